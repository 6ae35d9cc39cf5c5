// Expected texts are copied from pkg/apis/core/validation/validation.go (ValidateService,
// validateServicePort, ValidateServiceClusterIPsRelatedFields, validateUpgradeDowngradeClusterIPs)
// and pkg/registry/core/service/portallocator (ErrNotInRange, as seen in real apiserver output).
import { expect } from 'chai';
import { validate } from '../../src/validation/core-v1.ts';
import { at, defaulted, DNS1035_MSG, edited, messages, service, stored } from './fixtures.ts';

const create = (o: Record<string, unknown>, opts = {}): string[] =>
  messages(validate('Service', o, undefined, opts));

describe('validation: Service', () => {
  it('accepts a defaulted ClusterIP service', () => {
    expect(create(service())).to.deep.equal([]);
  });

  it('names services by DNS-1035 label', () => {
    expect(create(edited(service(), (s) => (at(s, 'metadata').name = '1web')))).to.deep.equal([
      `metadata.name: Invalid value: "1web": ${DNS1035_MSG}`,
    ]);
  });

  it('requires ports, except for headless and ExternalName services', () => {
    expect(create(edited(service(), (s) => (at(s, 'spec').ports = [])))).to.deep.equal([
      'spec.ports: Required value',
    ]);
    const headless = defaulted('Service', {
      metadata: { name: 'h', namespace: 'default' },
      spec: { clusterIP: 'None', selector: { app: 'x' } },
    });
    expect(create(headless)).to.deep.equal([]);
    const external = defaulted('Service', {
      metadata: { name: 'e', namespace: 'default' },
      spec: { type: 'ExternalName', externalName: 'example.com.' },
    });
    expect(create(external)).to.deep.equal([]);
  });

  it('checks port numbers, protocols, target ports and names', () => {
    const s = edited(service(), (o) => {
      at(o, 'spec').ports = [
        { port: 0, protocol: 'TCP', targetPort: 'Http' },
        { name: 'b', port: 80, protocol: 'ICMP', targetPort: 80 },
      ];
    });
    expect(create(s)).to.deep.equal([
      'spec.ports[0].name: Required value',
      'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ports[0].targetPort: Invalid value: "Http": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    ]);
  });

  it('requires unique port names and (protocol, port) pairs', () => {
    const s = edited(service(), (o) => {
      at(o, 'spec').ports = [
        { name: 'a', port: 80, protocol: 'TCP', targetPort: 80 },
        { name: 'a', port: 80, protocol: 'TCP', targetPort: 81 },
      ];
    });
    expect(create(s)).to.deep.equal([
      'spec.ports[1].name: Duplicate value: "a"',
      'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
    ]);
  });

  it('checks the type against its supported values', () => {
    expect(create(edited(service(), (s) => (at(s, 'spec').type = 'Magic')))).to.deep.equal([
      'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    ]);
  });

  it('checks node ports against the configurable range, before anything else', () => {
    const s = defaulted('Service', {
      metadata: { name: 'np', namespace: 'default' },
      spec: { type: 'NodePort', selector: { app: 'x' }, ports: [{ port: 80, nodePort: 80 }] },
    });
    expect(create(s)).to.deep.equal([
      'spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767',
    ]);
    expect(create(s, { nodePortRange: { min: 1, max: 1000 } })).to.deep.equal([]);
    const clusterIP = edited(service(), (o) => (at(o, 'spec', 'ports', 0).nodePort = 30080));
    expect(create(clusterIP)).to.deep.equal([
      "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
    ]);
  });

  it('keeps clusterIP immutable on update', () => {
    const old = stored(
      defaulted('Service', { ...service(), spec: { ...at(service(), 'spec'), clusterIP: '10.96.0.10' } }),
    );
    expect(messages(validate('Service', old, old))).to.deep.equal([]);
    const changed = edited(old, (s) => (at(s, 'spec').clusterIP = '10.96.0.11'));
    expect(messages(validate('Service', changed, old))).to.deep.equal([
      'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set',
    ]);
    const omitted = edited(old, (s) => {
      delete at(s, 'spec').clusterIP;
      delete at(s, 'spec').clusterIPs;
    });
    expect(messages(validate('Service', omitted, old))).to.deep.equal([]);
  });

  it('validates ExternalName targets and forbids cluster IPs on them', () => {
    const s = defaulted('Service', {
      metadata: { name: 'e', namespace: 'default' },
      spec: { type: 'ExternalName', externalName: 'Not_A_Host', clusterIP: '10.0.0.1' },
    });
    const errs = create(s);
    expect(errs[0]).to.equal('spec.clusterIPs: Forbidden: may not be set for ExternalName services');
    expect(errs[1]).to.match(
      /^spec\.externalName: Invalid value: "Not_A_Host": a lowercase RFC 1123 subdomain/,
    );
  });
});
