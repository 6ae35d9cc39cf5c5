// Runs one probe of a container once, as upstream's prober.go: the handler (exec, httpGet,
// tcpSocket) within timeoutSeconds, retried up to three times when it could not run at all, and an
// event for a result that is not a plain success (Unhealthy "Liveness probe failed: <output>",
// ProbeWarning for a redirect).
import { doGrpcCheck } from './grpc.ts';
import type { V1Container, V1Pod, V1Probe } from '@kubernetes/client-node';
import type { Logger } from '../../../../common/src/log.ts';
import { EventReason, type ContainerEvents } from '../events.ts';
import type { ContainerRuntime } from '../runtime/container-runtime.ts';
import type { ProbeMetrics } from '../metrics/kubelet-metrics.ts';
import { doExec, doHttpGet, doTcpConnect, httpGetRequest, tcpTarget, type ActionOutcome } from './actions.ts';
import { PROBE_TYPE_TITLE, probeTiming, type ProbeType } from './probe-state.ts';

const MAX_PROBE_RETRIES = 3;

export interface ProbeRequest {
  type: ProbeType;
  probe: V1Probe;
  pod: V1Pod;
  container: V1Container;
  containerId: string;
  podIp: string | undefined;
  /** A restartable init container: events name spec.initContainers{name}. */
  init?: boolean;
}

/** What the worker counts; undefined: the probe could not run, throw the result away. */
export type ProbeVerdict = 'success' | 'failure' | undefined;

export interface ProberOptions {
  runtime: ContainerRuntime;
  events: ContainerEvents;
  log: Logger;
  /** Counts every probe run (prober_probe_total); absent: not counted. */
  metrics?: ProbeMetrics;
}

export class Prober {
  constructor(private readonly o: ProberOptions) {}

  async probe(req: ProbeRequest): Promise<ProbeVerdict> {
    const began = performance.now();
    const verdict = await this.probeOnce(req);
    this.o.metrics?.probed(
      req.type,
      verdict ?? 'unknown',
      {
        container: req.container.name,
        pod: req.pod.metadata?.name ?? '',
        namespace: req.pod.metadata?.namespace ?? '',
        podUid: req.pod.metadata?.uid ?? '',
      },
      (performance.now() - began) / 1000,
    );
    return verdict;
  }

  private async probeOnce(req: ProbeRequest): Promise<ProbeVerdict> {
    const title = PROBE_TYPE_TITLE[req.type];
    const ref = { name: req.container.name, init: req.init ?? false };
    let outcome: ActionOutcome | undefined;
    let lastError: unknown;
    for (let attempt = 0; attempt < MAX_PROBE_RETRIES && !outcome; attempt++) {
      try {
        outcome = await this.runOnce(req);
      } catch (err) {
        lastError = err;
      }
    }
    if (!outcome) {
      const message = lastError instanceof Error ? lastError.message : String(lastError);
      this.o.log.debug('probe errored', { type: req.type, container: req.container.name, err: lastError });
      this.o.events.record(
        req.pod,
        ref,
        'Warning',
        EventReason.Unhealthy,
        `${title} probe errored and resulted in unknown state: ${message}`,
      );
      return undefined;
    }
    switch (outcome.result) {
      case 'success':
        return 'success';
      case 'warning':
        this.o.events.record(
          req.pod,
          ref,
          'Warning',
          EventReason.ProbeWarning,
          `${title} probe warning: ${outcome.output}`,
        );
        return 'success';
      case 'failure':
        this.o.events.record(
          req.pod,
          ref,
          'Warning',
          EventReason.Unhealthy,
          `${title} probe failed: ${outcome.output}`,
        );
        return 'failure';
    }
  }

  private async runOnce(req: ProbeRequest): Promise<ActionOutcome> {
    const timeoutMs = probeTiming(req.probe).timeoutSeconds * 1000;
    const { probe, container } = req;
    if (probe.exec) {
      return doExec(this.o.runtime, req.containerId, probe.exec.command ?? [], timeoutMs);
    }
    if (probe.httpGet) {
      if (!req.podIp && !probe.httpGet.host) throw new Error('the pod has no IP yet');
      return doHttpGet(httpGetRequest(probe.httpGet, container, req.podIp ?? '', 'probe'), timeoutMs);
    }
    if (probe.tcpSocket) {
      if (!req.podIp && !probe.tcpSocket.host) throw new Error('the pod has no IP yet');
      const { host, port } = tcpTarget(probe.tcpSocket, container, req.podIp ?? '');
      return doTcpConnect(host, port, timeoutMs);
    }
    if (probe.grpc) {
      if (!req.podIp) throw new Error('the pod has no IP yet');
      return doGrpcCheck(req.podIp, probe.grpc.port, probe.grpc.service ?? '', timeoutMs);
    }
    // a probe without a handler: upstream reports the probe as unknown
    throw new Error(
      `missing probe handler for ${container.name}: exec, httpGet, tcpSocket or grpc is needed`,
    );
  }
}
