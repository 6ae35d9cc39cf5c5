import { expect } from 'chai';
import type { Json } from '../../src/openapi/documents.ts';
import { OpenApiDocuments } from '../../src/openapi/openapi.ts';
import { kindSchemaName } from '../../src/openapi/schemas.ts';
import { apiVersionOf, RESOURCES } from '../../src/resources.ts';

const docs = new OpenApiDocuments();
const v2 = docs.v2Document();
const v3 = docs.v3Documents();
const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

function refs(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refs(v, into));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref') into.push(String(v));
      else refs(v, into);
    }
  return into;
}

function operations(doc: Json): Array<{ path: string; method: string; op: Json }> {
  return Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    METHODS.filter((m) => (item as Json)[m]).map((method) => ({
      path,
      method,
      op: (item as Json)[method] as Json,
    })),
  );
}

const paramNames = (op: Json): string[] =>
  ((op.parameters as Json[] | undefined) ?? []).map((p) => String(p.name));
const prefixOf = (r: { group: string; version: string }): string =>
  r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;

describe('OpenAPI documents', () => {
  describe('v2', () => {
    it('is Swagger 2.0 with every $ref resolving to a definition', () => {
      expect(v2.swagger).to.equal('2.0');
      const definitions = v2.definitions as Json;
      const missing = refs(v2).filter((r) => !definitions[r.replace('#/definitions/', '')]);
      expect(missing).to.deep.equal([]);
      expect(refs(v2).every((r) => r.startsWith('#/definitions/'))).to.equal(true);
    });

    it('has collection, item, watch and subresource paths for every served resource with its GVK', () => {
      const paths = v2.paths as Json;
      for (const r of RESOURCES) {
        const base = r.namespaced
          ? `${prefixOf(r)}/namespaces/{namespace}/${r.resource}`
          : `${prefixOf(r)}/${r.resource}`;
        const gvk = { group: r.group, version: r.version, kind: r.kind };
        for (const [path, methods] of [
          [base, ['get', 'post', 'delete']],
          [`${base}/{name}`, ['get', 'put', 'patch', 'delete']],
        ] as const)
          for (const m of methods) {
            const op = (paths[path] as Json | undefined)?.[m] as Json | undefined;
            expect(op, `${m} ${path}`).to.not.equal(undefined);
            expect(op!['x-kubernetes-group-version-kind'], `${m} ${path}`).to.deep.equal(gvk);
          }
        expect(paths, r.resource).to.have.property(base.replace(prefixOf(r), `${prefixOf(r)}/watch`));
        for (const sub of r.subresources)
          expect(paths, `${r.resource}/${sub}`).to.have.property(`${base}/{name}/${sub}`);
        const def = (v2.definitions as Json)[kindSchemaName(r)] as Json;
        expect(def['x-kubernetes-group-version-kind']).to.deep.equal([gvk]);
        expect((v2.definitions as Json)[`${kindSchemaName(r)}List`]).to.not.equal(undefined);
      }
    });

    it('names operations and actions as upstream does', () => {
      const pods = (v2.paths as Json)['/api/v1/namespaces/{namespace}/pods/{name}'] as Json;
      expect((pods.patch as Json).operationId).to.equal('patchCoreV1NamespacedPod');
      expect((pods.patch as Json)['x-kubernetes-action']).to.equal('patch');
      const list = (v2.paths as Json)['/apis/discovery.k8s.io/v1/endpointslices'] as Json;
      expect((list.get as Json).operationId).to.equal('listDiscoveryV1EndpointSliceForAllNamespaces');
      const status = (v2.paths as Json)['/api/v1/nodes/{name}/status'] as Json;
      expect((status.put as Json).operationId).to.equal('replaceCoreV1NodeStatus');
      const ids = operations(v2).map(({ op }) => op.operationId);
      expect(new Set(ids).size).to.equal(ids.length);
    });
  });

  describe('v3', () => {
    it('has one document per served group/version plus the discovery ones', () => {
      const gvKeys = [...new Set(RESOURCES.map((r) => prefixOf(r).slice(1)))];
      expect([...v3.keys()]).to.include.members([...gvKeys, 'api', 'apis', 'version', 'apis/storage.k8s.io']);
      const root = docs.v3Root() as { paths: Record<string, { serverRelativeURL: string }> };
      expect(Object.keys(root.paths).sort()).to.deep.equal([...v3.keys()].sort());
      for (const [key, { serverRelativeURL }] of Object.entries(root.paths))
        expect(serverRelativeURL).to.equal(`/openapi/v3/${key}?hash=${docs.v3Hash(key)}`);
    });

    for (const [key, doc] of v3)
      it(`${key}: every $ref resolves within the document`, () => {
        expect(doc.openapi).to.equal('3.0.0');
        const schemas = (doc.components as Json).schemas as Json;
        const missing = refs(doc).filter((r) => !schemas[r.replace('#/components/schemas/', '')]);
        expect(missing).to.deep.equal([]);
      });

    it('keeps each group/version document to its own kinds', () => {
      const core = (v3.get('api/v1')!.components as Json).schemas as Json;
      expect(core).to.have.property('io.k8s.api.core.v1.Pod');
      expect(core).to.not.have.property('io.k8s.api.events.v1.Event');
      const events = (v3.get('apis/events.k8s.io/v1')!.components as Json).schemas as Json;
      expect(events).to.have.property('io.k8s.api.events.v1.Event');
      expect(events).to.not.have.property('io.k8s.api.core.v1.Pod');
    });

    it('offers fieldValidation, dryRun and fieldManager on every PATCH, PUT and POST with a GVK', () => {
      // kubectl takes the first PATCH it meets for a GVK (a Go map: any order), so all must.
      for (const [key, doc] of v3)
        for (const { path, method, op } of operations(doc)) {
          if (
            !['patch', 'put'].includes(method) &&
            !(method === 'post' && op['x-kubernetes-action'] === 'post')
          )
            continue;
          expect(paramNames(op), `${key} ${method} ${path}`).to.include.members([
            'fieldValidation',
            'dryRun',
            'fieldManager',
          ]);
        }
    });

    it('accepts strategic merge patches on PATCH (kubectl apply computes them from v3)', () => {
      const patch = ((v3.get('api/v1')!.paths as Json)['/api/v1/namespaces/{namespace}/pods/{name}'] as Json)
        .patch as Json;
      expect(Object.keys((patch.requestBody as Json).content as Json)).to.include(
        'application/strategic-merge-patch+json',
      );
    });

    it('wraps described references in allOf as upstream does', () => {
      const podSpec = ((v3.get('api/v1')!.components as Json).schemas as Json)[
        'io.k8s.api.core.v1.PodSpec'
      ] as Json;
      const containers = (podSpec.properties as Json).containers as Json;
      expect(containers).to.include({
        type: 'array',
        'x-kubernetes-patch-merge-key': 'name',
        'x-kubernetes-patch-strategy': 'merge',
      });
      expect(containers.items).to.deep.equal({
        allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.Container' }],
        default: {},
      });
    });

    it('gives int-or-string and quantities both types in v3', () => {
      const schemas = (v3.get('api/v1')!.components as Json).schemas as Json;
      expect(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).to.include({
        format: 'int-or-string',
      });
      expect((schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString'] as Json).oneOf).to.deep.equal([
        { type: 'integer' },
        { type: 'string' },
      ]);
      expect((schemas['io.k8s.apimachinery.pkg.api.resource.Quantity'] as Json).oneOf).to.deep.equal([
        { type: 'string' },
        { type: 'number' },
      ]);
    });
  });

  describe('hashes', () => {
    it('are stable across independent builds and differ between documents', () => {
      const again = new OpenApiDocuments();
      for (const key of v3.keys()) expect(again.v3Hash(key), key).to.equal(docs.v3Hash(key));
      expect(docs.v3Hash('api/v1')).to.match(/^[0-9A-F]{128}$/);
      expect(docs.v3Hash('api/v1')).to.not.equal(docs.v3Hash('apis/events.k8s.io/v1'));
    });

    it('change when the resource table changes', () => {
      const fewer = new OpenApiDocuments(RESOURCES.filter((r) => r.resource !== 'configmaps'));
      expect(fewer.v3Hash('api/v1')).to.not.equal(docs.v3Hash('api/v1'));
      expect(fewer.v3Hash('apis/coordination.k8s.io/v1')).to.equal(
        docs.v3Hash('apis/coordination.k8s.io/v1'),
      );
      expect(apiVersionOf(RESOURCES[0]!)).to.equal('v1');
    });
  });
});
