import { expect } from 'chai';
import { parseRequestPath } from '../src/http/request-info.ts';

describe('request paths', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['/api/v1/pods', { group: '', version: 'v1', resource: 'pods', isResourceRequest: true }],
    ['/api/v1/namespaces/ns1/pods/web', { namespace: 'ns1', resource: 'pods', name: 'web' }],
    [
      '/api/v1/namespaces/ns1/pods/web/status',
      { namespace: 'ns1', resource: 'pods', name: 'web', subresource: 'status' },
    ],
    ['/api/v1/namespaces', { resource: 'namespaces', namespace: undefined, name: undefined }],
    ['/api/v1/namespaces/ns1', { resource: 'namespaces', name: 'ns1', namespace: undefined }],
    ['/api/v1/namespaces/ns1/status', { resource: 'namespaces', name: 'ns1', subresource: 'status' }],
    ['/api/v1/namespaces/ns1/finalize', { resource: 'namespaces', name: 'ns1', subresource: 'finalize' }],
    ['/api/v1/watch/namespaces/ns1/pods', { watchPrefix: true, namespace: 'ns1', resource: 'pods' }],
    [
      '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1',
      { group: 'coordination.k8s.io', namespace: 'kube-node-lease', resource: 'leases', name: 'n1' },
    ],
    [
      '/apis/storage.k8s.io/v1/storageclasses',
      { group: 'storage.k8s.io', resource: 'storageclasses', isResourceRequest: true },
    ],
    ['/api/v1', { version: 'v1', isResourceRequest: false }],
    ['/apis/discovery.k8s.io/v1', { group: 'discovery.k8s.io', version: 'v1', isResourceRequest: false }],
    ['/version', { isResourceRequest: false }],
    ['/api/v1/namespaces/a/pods/b/status/extra', { isResourceRequest: false }],
  ];
  for (const [path, expected] of cases) {
    it(path, () => {
      const info = parseRequestPath(path);
      for (const [key, value] of Object.entries(expected))
        expect(info[key as keyof typeof info], key).to.equal(value);
    });
  }
});
