// API clients for the reference's components. client-node 1.3.0 builds a new https.Agent, so a new
// TLS connection and SecureContext, for every request (KubeConfig.applySecurityAuthentication). At
// scheduling rates those handshakes were most of the scheduler's CPU (profiled with
// `npm run bench -- scheduler`), so components keep the kubeconfig's authentication and TLS options
// but send every request through one keep-alive agent per configuration.
import { Agent } from 'node:https';
import * as k8s from '@kubernetes/client-node';

/** A client-node Configuration for `kc` whose requests share one keep-alive agent. */
export function keepAliveConfiguration(kc: k8s.KubeConfig, maxSockets: number): k8s.Configuration {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  let shared: Agent | undefined;
  const auth: k8s.SecurityAuthentication = {
    getName: () => 'kubeconfig through one keep-alive agent',
    applySecurityAuthentication: async (context) => {
      await kc.applySecurityAuthentication(context);
      const fresh = context.getAgent();
      if (fresh instanceof Agent) {
        shared ??= new Agent({ ...fresh.options, keepAlive: true, maxSockets });
        context.setAgent(shared);
      }
    },
  };
  return k8s.createConfiguration({
    baseServer: new k8s.ServerConfiguration(cluster.server, {}),
    authMethods: { default: auth },
  });
}

export function makeKeepAliveCoreApi(kc: k8s.KubeConfig, maxSockets: number): k8s.CoreV1Api {
  return new k8s.CoreV1Api(keepAliveConfiguration(kc, maxSockets));
}
