// Expected values follow pkg/apis/core/v1/defaults.go (SetDefaults_*), the namespace strategy's
// PrepareForCreate and the Priority admission plugin, as `kubectl get -o yaml` shows them.
import { expect } from 'chai';
import { applyDefaults, imageTag } from '../../src/validation/defaults.ts';

type Obj = Record<string, unknown>;
const d = (kind: string, o: Obj): Obj => applyDefaults(kind, o) as Obj;

describe('validation: defaults', () => {
  it('defaults a pod as upstream does', () => {
    const input = {
      metadata: { name: 'p' },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'busybox',
            ports: [{ containerPort: 80 }],
            resources: { limits: { cpu: '0.5', memory: '1024Mi' } },
            livenessProbe: { httpGet: { port: 80 } },
          },
        ],
        volumes: [{ name: 'v' }, { name: 's', secret: { secretName: 's' } }],
      },
    };
    const snapshot = structuredClone(input);
    expect(d('Pod', input)).to.deep.equal({
      metadata: { name: 'p' },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'busybox',
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            resources: { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } },
            livenessProbe: {
              httpGet: { port: 80, path: '/', scheme: 'HTTP' },
              timeoutSeconds: 1,
              periodSeconds: 10,
              successThreshold: 1,
              failureThreshold: 3,
            },
            imagePullPolicy: 'Always',
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
          },
        ],
        volumes: [
          { name: 'v', emptyDir: {} },
          { name: 's', secret: { secretName: 's', defaultMode: 420 } },
        ],
        enableServiceLinks: true,
        dnsPolicy: 'ClusterFirst',
        restartPolicy: 'Always',
        securityContext: {},
        terminationGracePeriodSeconds: 30,
        schedulerName: 'default-scheduler',
        priority: 0,
        preemptionPolicy: 'PreemptLowerPriority',
      },
    });
    expect(input).to.deep.equal(snapshot);
  });

  it('picks the pull policy from the image tag', () => {
    expect(imageTag('nginx')).to.equal('latest');
    expect(imageTag('nginx:latest')).to.equal('latest');
    expect(imageTag('registry:5000/team/app:1.2')).to.equal('1.2');
    expect(imageTag('nginx@sha256:abc')).to.equal('');
    expect(imageTag('Nginx')).to.equal('');
    const policy = (image: string): unknown =>
      ((d('Pod', { spec: { containers: [{ name: 'a', image }] } }).spec as Obj).containers as Obj[])[0]
        ?.imagePullPolicy;
    expect(policy('nginx:1.27')).to.equal('IfNotPresent');
    expect(policy('nginx')).to.equal('Always');
  });

  it('defaults a service: type, affinity, protocol, targetPort, traffic policies, IP families', () => {
    expect(d('Service', { spec: { ports: [{ port: 80 }], clusterIP: '10.0.0.5' } })).to.deep.equal({
      spec: {
        ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
        clusterIP: '10.0.0.5',
        sessionAffinity: 'None',
        type: 'ClusterIP',
        internalTrafficPolicy: 'Cluster',
        clusterIPs: ['10.0.0.5'],
        ipFamilyPolicy: 'SingleStack',
        ipFamilies: ['IPv4'],
      },
    });
    const lb = d('Service', { spec: { type: 'LoadBalancer', ports: [{ port: 80, targetPort: 'http' }] } })
      .spec as Obj;
    expect(lb.externalTrafficPolicy).to.equal('Cluster');
    expect(lb.allocateLoadBalancerNodePorts).to.equal(true);
    const external = d('Service', { spec: { type: 'ExternalName', externalName: 'x.example' } }).spec as Obj;
    expect(external.ipFamilies).to.equal(undefined);
    expect(external.internalTrafficPolicy).to.equal(undefined);
  });

  it('defaults PVs, PVCs, RCs, namespaces, secrets and endpoints', () => {
    expect(
      d('PersistentVolume', { spec: { capacity: { storage: '1024Mi' }, hostPath: { path: '/x' } } }),
    ).to.deep.equal({
      spec: {
        capacity: { storage: '1Gi' },
        hostPath: { path: '/x', type: '' },
        persistentVolumeReclaimPolicy: 'Retain',
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Pending' },
    });
    expect(d('PersistentVolumeClaim', { spec: {} })).to.deep.equal({
      spec: { volumeMode: 'Filesystem' },
      status: { phase: 'Pending' },
    });
    const rc = d('ReplicationController', {
      metadata: { name: 'rc' },
      spec: {
        template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'i:1' }] } },
      },
    });
    expect(rc.metadata).to.deep.equal({ name: 'rc', labels: { app: 'a' } });
    expect((rc.spec as Obj).selector).to.deep.equal({ app: 'a' });
    expect((rc.spec as Obj).replicas).to.equal(1);
    expect(((rc.spec as Obj).template as Obj).spec).to.include({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
    });
    expect(d('Namespace', { metadata: { name: 'team' } })).to.deep.equal({
      metadata: { name: 'team', labels: { 'kubernetes.io/metadata.name': 'team' } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
    expect(d('Secret', {})).to.deep.equal({ type: 'Opaque' });
    expect(d('Endpoints', { subsets: [{ ports: [{ port: 1 }] }] })).to.deep.equal({
      subsets: [{ ports: [{ port: 1, protocol: 'TCP' }] }],
    });
  });

  it('leaves wrongly typed fields alone instead of failing', () => {
    expect(d('Pod', { spec: 'x' })).to.deep.equal({ spec: 'x' });
    expect(d('Pod', { spec: { containers: 'x', volumes: 7 } }).spec).to.include({
      containers: 'x',
      volumes: 7,
    });
    expect(applyDefaults('Pod', 'x')).to.equal('x');
    expect(applyDefaults('Lease', { a: 1 })).to.deep.equal({ a: 1 });
  });
});
