import { expect } from 'chai';
import { OpenApiDocuments } from '../../src/openapi/openapi.ts';
import { RESOURCES } from '../../src/resources.ts';
import { explain } from './support/explain-walk.ts';

const v3 = new OpenApiDocuments().v3Documents();
const core = v3.get('api/v1')!;

describe('explain path resolution over the v3 documents', () => {
  it('finds every served resource and its kind', () => {
    for (const r of RESOURCES) {
      const key = r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`;
      const result = explain(v3.get(key)!, `/${key}`, r.resource, []);
      expect(result.gvk, r.resource).to.deep.equal({ group: r.group, version: r.version, kind: r.kind });
      expect(result.resolved.properties, r.resource).to.have.property('metadata');
    }
  });

  it('walks pods.spec.containers.livenessProbe to the Probe fields', () => {
    const result = explain(core, '/api/v1', 'pods', ['spec', 'containers', 'livenessProbe']);
    expect(result.typeGuess).to.equal('Probe');
    expect(Object.keys(result.resolved.properties as object)).to.include.members([
      'httpGet',
      'exec',
      'tcpSocket',
      'grpc',
      'periodSeconds',
    ]);
  });

  const cases: Array<[string, string, string[], string]> = [
    ['pods', '/api/v1', ['spec', 'containers'], '[]Container'],
    ['pods', '/api/v1', ['spec', 'containers', 'livenessProbe', 'httpGet', 'port'], 'IntOrString'],
    ['pods', '/api/v1', ['spec', 'containers', 'resources', 'limits'], 'map[string]Quantity'],
    ['pods', '/api/v1', ['metadata', 'labels'], 'map[string]string'],
    ['pods', '/api/v1', ['spec', 'volumes', 'configMap', 'items', 'key'], 'string'],
    ['pods', '/api/v1', ['spec', 'volumes', 'downwardAPI', 'items', 'fieldRef'], 'ObjectFieldSelector'],
    [
      'pods',
      '/api/v1',
      ['spec', 'affinity', 'podAntiAffinity', 'requiredDuringSchedulingIgnoredDuringExecution'],
      '[]PodAffinityTerm',
    ],
    ['pods', '/api/v1', ['spec', 'tolerations', 'tolerationSeconds'], 'integer'],
    ['pods', '/api/v1', ['status', 'containerStatuses', 'state', 'waiting', 'reason'], 'string'],
    ['services', '/api/v1', ['spec', 'ports', 'targetPort'], 'IntOrString'],
    ['configmaps', '/api/v1', ['data'], 'map[string]string'],
    ['nodes', '/api/v1', ['status', 'capacity'], 'map[string]Quantity'],
    ['persistentvolumeclaims', '/api/v1', ['spec', 'resources', 'requests'], 'map[string]Quantity'],
    ['replicationcontrollers', '/api/v1', ['spec', 'template', 'spec', 'containers'], '[]Container'],
  ];
  for (const [resource, prefix, path, type] of cases)
    it(`${resource}.${path.join('.')} is <${type}>`, () => {
      expect(explain(core, prefix, resource, path).typeGuess).to.equal(type);
    });

  it('walks the named groups', () => {
    const slices = v3.get('apis/discovery.k8s.io/v1')!;
    expect(
      explain(slices, '/apis/discovery.k8s.io/v1', 'endpointslices', ['endpoints', 'conditions', 'ready'])
        .typeGuess,
    ).to.equal('boolean');
    const leases = v3.get('apis/coordination.k8s.io/v1')!;
    expect(
      explain(leases, '/apis/coordination.k8s.io/v1', 'leases', ['spec', 'renewTime']).typeGuess,
    ).to.equal('string');
  });

  it('fails on a field that does not exist, as kubectl does', () => {
    expect(() => explain(core, '/api/v1', 'pods', ['spec', 'nope'])).to.throw('field "nope" does not exist');
  });
});
