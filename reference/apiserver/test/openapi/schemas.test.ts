import { expect } from 'chai';
import { SchemaIndex, type TypeDef } from '../../src/openapi/schema-model.ts';
import { buildSchemaDefinitions, buildSchemaIndex, kindSchemaName } from '../../src/openapi/schemas.ts';
import { RESOURCES } from '../../src/resources.ts';

const defs = buildSchemaDefinitions();
const index = buildSchemaIndex();

describe('schema model', () => {
  it('has a schema and a list schema for every served kind', () => {
    for (const r of RESOURCES) {
      const def = index.get(kindSchemaName(r));
      expect(def.gvk).to.deep.equal([{ group: r.group, version: r.version, kind: r.kind }]);
      expect(
        index.kindDefinition({ group: r.group, version: r.version, kind: `${r.kind}List` })?.name,
      ).to.equal(`${kindSchemaName(r)}List`);
    }
  });

  it('describes every definition and every property in one line', () => {
    for (const def of defs) {
      expect(def.description, def.name).to.be.a('string').and.not.equal('');
      expect(def.name, 'upstream naming').to.match(/^io\.k8s\.(api|apimachinery)\./);
      for (const [field, [, description]] of Object.entries(def.properties ?? {})) {
        expect(description, `${def.name}.${field}`).to.be.a('string').and.not.equal('');
        expect(description, `${def.name}.${field}`).to.not.include('\n');
      }
    }
  });

  it('carries upstream patch extensions where they matter for apply', () => {
    expect(index.get('io.k8s.api.core.v1.PodSpec').properties!.containers![2]).to.deep.include({
      key: 'name',
      strategy: 'merge',
    });
    expect(index.get('io.k8s.api.core.v1.PodSpec').properties!.volumes![2]).to.deep.include({
      key: 'name',
      strategy: 'merge,retainKeys',
    });
    expect(index.get('io.k8s.api.core.v1.Container').properties!.ports![2]).to.deep.include({
      key: 'containerPort',
      mapKeys: ['containerPort', 'protocol'],
    });
    expect(index.get('io.k8s.api.core.v1.ServiceSpec').properties!.ports![2]).to.deep.include({
      key: 'port',
      mapKeys: ['port', 'protocol'],
    });
  });

  it('rejects unknown and ambiguous type names and required fields that are not properties', () => {
    const base: TypeDef = {
      name: 'io.k8s.api.x.v1.A',
      description: 'a',
      properties: { b: ['Missing', 'b'] },
    };
    expect(() => new SchemaIndex([base])).to.throw('io.k8s.api.x.v1.A.b: unknown type Missing');
    const twins: TypeDef[] = [
      { name: 'io.k8s.api.x.v1.T', description: 't' },
      { name: 'io.k8s.api.y.v1.T', description: 't' },
      { name: 'io.k8s.api.x.v1.U', description: 'u', properties: { t: ['T', 't'] } },
    ];
    expect(() => new SchemaIndex(twins)).to.throw('ambiguous');
    expect(
      () => new SchemaIndex([{ name: 'io.k8s.api.x.v1.R', description: 'r', required: ['z'] }]),
    ).to.throw('required field z');
  });
});
