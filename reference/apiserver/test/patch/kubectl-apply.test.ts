// Strategic merge patches in the shapes the real kubectl sends (kubectl apply's three-way patch,
// kubectl patch), against built-in kinds and the merge-key table.
import { expect } from 'chai';
import type { JsonObject } from '../../src/patch/json-value.ts';
import type { PatchError } from '../../src/patch/patch-error.ts';
import { strategicMergePatch } from '../../src/patch/strategic-merge-patch.ts';
import { deepFreeze, thrown } from './deep-freeze.ts';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

const patch = (kind: string, original: JsonObject, body: JsonObject): JsonObject =>
  strategicMergePatch(kind, deepFreeze(original), deepFreeze(body));

/** A live Deployment with two containers, as the server returns it. */
function liveDeployment(): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', annotations: { [LAST_APPLIED]: '{"v":1}' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1.25',
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              env: [{ name: 'MODE', value: 'prod' }],
              resources: {},
            },
            { name: 'sidecar', image: 'busybox:1.36', command: ['sleep', 'infinity'] },
          ],
          volumes: [
            { name: 'data', emptyDir: {} },
            { name: 'cfg', configMap: { name: 'web-config', defaultMode: 420 } },
          ],
          restartPolicy: 'Always',
        },
      },
    },
    status: { conditions: [{ type: 'Available', status: 'True' }] },
  };
}

const podSpecOf = (deployment: JsonObject): JsonObject =>
  ((deployment.spec as JsonObject).template as JsonObject).spec as JsonObject;

describe('strategic merge patch: kubectl apply on a Deployment', () => {
  it('second apply with a changed image: $setElementOrder/containers and the changed field only', () => {
    const result = patch('Deployment', liveDeployment(), {
      metadata: { annotations: { [LAST_APPLIED]: '{"v":2}' } },
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }],
            containers: [{ image: 'nginx:1.27', name: 'web' }],
          },
        },
      },
    });
    const expected = liveDeployment();
    (expected.metadata as JsonObject).annotations = { [LAST_APPLIED]: '{"v":2}' };
    ((podSpecOf(expected).containers as JsonObject[])[0] as JsonObject).image = 'nginx:1.27';
    expect(result).to.deep.equal(expected);
  });

  it('second apply with a container removed: $patch: delete in the list', () => {
    const result = patch('Deployment', liveDeployment(), {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'web' }],
            containers: [{ $patch: 'delete', name: 'sidecar' }],
          },
        },
      },
    });
    expect((podSpecOf(result).containers as JsonObject[]).map((c) => c.name)).to.deep.equal(['web']);
    expect((podSpecOf(result).containers as JsonObject[])[0]).to.deep.equal(
      (podSpecOf(liveDeployment()).containers as JsonObject[])[0],
    );
  });

  it('adds a container and an env var, in the order $setElementOrder gives', () => {
    const result = patch('Deployment', liveDeployment(), {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'init-db' }, { name: 'web' }, { name: 'sidecar' }],
            containers: [
              { name: 'init-db', image: 'postgres:16' },
              {
                name: 'web',
                '$setElementOrder/env': [{ name: 'LEVEL' }, { name: 'MODE' }],
                env: [{ name: 'LEVEL', value: 'debug' }],
              },
            ],
          },
        },
      },
    });
    const containers = podSpecOf(result).containers as JsonObject[];
    expect(containers.map((c) => c.name)).to.deep.equal(['init-db', 'web', 'sidecar']);
    expect(containers[1]?.env).to.deep.equal([
      { name: 'LEVEL', value: 'debug' },
      { name: 'MODE', value: 'prod' },
    ]);
    expect(containers[1]?.ports).to.deep.equal([{ containerPort: 80, protocol: 'TCP' }]);
  });

  it('$retainKeys on volumes: switching a volume from emptyDir to hostPath drops emptyDir', () => {
    const result = patch('Deployment', liveDeployment(), {
      spec: {
        template: {
          spec: {
            '$setElementOrder/volumes': [{ name: 'data' }, { name: 'cfg' }],
            volumes: [
              { $retainKeys: ['hostPath', 'name'], hostPath: { path: '/srv/data', type: '' }, name: 'data' },
            ],
          },
        },
      },
    });
    expect(podSpecOf(result).volumes).to.deep.equal([
      { name: 'data', hostPath: { path: '/srv/data', type: '' } },
      { name: 'cfg', configMap: { name: 'web-config', defaultMode: 420 } },
    ]);
  });

  it('$retainKeys on spec.strategy: switching to Recreate drops rollingUpdate', () => {
    const result = patch('Deployment', liveDeployment(), {
      spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } },
    });
    expect((result.spec as JsonObject).strategy).to.deep.equal({ type: 'Recreate' });
  });

  it('$retainKeys that does not list a patched field is a 400', () => {
    const err = thrown(() =>
      patch('Deployment', liveDeployment(), {
        spec: {
          template: {
            spec: { volumes: [{ $retainKeys: ['name'], hostPath: { path: '/x' }, name: 'data' }] },
          },
        },
      }),
    ) as PatchError;
    expect([err.status, err.message]).to.deep.equal([400, 'invalid patch format of retainKeys']);
  });

  it('merges status conditions by type', () => {
    const result = patch('Deployment', liveDeployment(), {
      status: { conditions: [{ type: 'Progressing', status: 'True' }] },
    });
    expect((result.status as JsonObject).conditions).to.deep.equal([
      { type: 'Progressing', status: 'True' },
      { type: 'Available', status: 'True' },
    ]);
  });
});

describe('strategic merge patch: kubectl patch and apply on other kinds', () => {
  const pod: JsonObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', labels: { app: 'web', foo: 'bar' }, finalizers: ['example.com/a'] },
    spec: {
      containers: [{ name: 'c', image: 'x', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      tolerations: [{ key: 'a', operator: 'Exists' }],
    },
  };

  it('removes a label with null', () => {
    const result = patch('Pod', pod, { metadata: { labels: { foo: null } } });
    expect((result.metadata as JsonObject).labels).to.deep.equal({ app: 'web' });
  });

  it('merges finalizers as a set of scalars; a new one goes first, as upstream orders it', () => {
    const added = patch('Pod', pod, { metadata: { finalizers: ['example.com/b', 'example.com/a'] } });
    expect((added.metadata as JsonObject).finalizers).to.deep.equal(['example.com/b', 'example.com/a']);
    const appended = patch('Pod', pod, {
      metadata: {
        '$setElementOrder/finalizers': ['example.com/a', 'example.com/b'],
        finalizers: ['example.com/b'],
      },
    });
    expect((appended.metadata as JsonObject).finalizers).to.deep.equal(['example.com/a', 'example.com/b']);
  });

  it('removes a finalizer the way kubectl apply does: $deleteFromPrimitiveList', () => {
    const twoFinalizers: JsonObject = {
      ...pod,
      metadata: { ...(pod.metadata as JsonObject), finalizers: ['example.com/a', 'example.com/b'] },
    };
    const result = patch('Pod', twoFinalizers, {
      metadata: {
        '$deleteFromPrimitiveList/finalizers': ['example.com/a'],
        '$setElementOrder/finalizers': ['example.com/b'],
      },
    });
    expect((result.metadata as JsonObject).finalizers).to.deep.equal(['example.com/b']);
  });

  it('replaces tolerations whole (no merge key) and merges volumeMounts by mountPath', () => {
    const result = patch('Pod', pod, {
      spec: {
        tolerations: [{ key: 'b', operator: 'Exists' }],
        containers: [{ name: 'c', volumeMounts: [{ mountPath: '/data', readOnly: true }] }],
      },
    });
    const spec = result.spec as JsonObject;
    expect(spec.tolerations).to.deep.equal([{ key: 'b', operator: 'Exists' }]);
    expect((spec.containers as JsonObject[])[0]?.volumeMounts).to.deep.equal([
      { name: 'data', mountPath: '/data', readOnly: true },
    ]);
  });

  it('merges Service ports by port', () => {
    const service: JsonObject = {
      metadata: { name: 's' },
      spec: {
        ports: [
          { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
          { name: 'https', port: 443 },
        ],
      },
    };
    const result = patch('Service', service, { spec: { ports: [{ port: 80, targetPort: 9090 }] } });
    expect((result.spec as JsonObject).ports).to.deep.equal([
      { name: 'http', port: 80, targetPort: 9090, protocol: 'TCP' },
      { name: 'https', port: 443 },
    ]);
  });

  it('merges Node status addresses by type and ownerReferences by uid', () => {
    const node: JsonObject = {
      metadata: { name: 'n', ownerReferences: [{ uid: 'u1', name: 'a', kind: 'X', apiVersion: 'v1' }] },
      status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] },
    };
    const result = patch('Node', node, {
      metadata: { ownerReferences: [{ uid: 'u1', name: 'b' }] },
      status: { addresses: [{ type: 'Hostname', address: 'n' }] },
    });
    expect((result.metadata as JsonObject).ownerReferences).to.deep.equal([
      { uid: 'u1', name: 'b', kind: 'X', apiVersion: 'v1' },
    ]);
    expect((result.status as JsonObject).addresses).to.deep.equal([
      { type: 'Hostname', address: 'n' },
      { type: 'InternalIP', address: '10.0.0.1' },
    ]);
  });

  it('refuses a kind without struct tags (a CRD) with 415, listing the accepted types', () => {
    const err = thrown(() => patch('Widget', { metadata: { name: 'w' } }, { spec: {} })) as PatchError;
    expect([err.status, err.reason, err.message]).to.deep.equal([
      415,
      'UnsupportedMediaType',
      'the body of the request was in an unknown format - accepted media types include: ' +
        'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    ]);
  });
});
