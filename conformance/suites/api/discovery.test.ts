// Discovery and version: what clients (kubectl, client libraries) read before anything else.
import { expect } from 'chai';
import { loadCluster, type Cluster } from '../../lib/cluster.ts';
import { useSpecTimeouts } from '../../lib/specs.ts';
import { bodyOf } from '../../lib/status.ts';

interface ApiResource {
  name: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
}
interface ApiResourceList {
  kind: string;
  groupVersion: string;
  resources: ApiResource[];
}
interface GroupVersion {
  groupVersion: string;
  version: string;
}
interface ApiGroup {
  name: string;
  versions: GroupVersion[];
  preferredVersion?: GroupVersion;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

async function get<T>(cluster: Cluster, path: string): Promise<T> {
  return bodyOf<T>(`GET ${path}`, await cluster.request({ method: 'GET', path }), [200]);
}

function resource(list: ApiResourceList, name: string): ApiResource {
  const found = list.resources.find((r) => r.name === name);
  if (!found) {
    throw new Error(
      `${list.groupVersion} does not list ${name}; it lists ${list.resources.map((r) => r.name).join(', ')}`,
    );
  }
  return found;
}

describe('api: discovery', () => {
  useSpecTimeouts();
  let cluster: Cluster;
  before(() => {
    cluster = loadCluster();
  });

  it('[API-DISCOVERY-CORE] /api and /api/v1 list the core group and its resources with their verbs', async () => {
    const versions = await get<{ kind: string; versions: string[] }>(cluster, '/api');
    expect(versions.kind).to.equal('APIVersions');
    expect(versions.versions).to.include('v1');

    const v1 = await get<ApiResourceList>(cluster, '/api/v1');
    expect(v1.kind).to.equal('APIResourceList');
    expect(v1.groupVersion).to.equal('v1');
    const expected: Array<[string, boolean, string, string[]]> = [
      ['configmaps', true, 'ConfigMap', ALL_VERBS],
      ['secrets', true, 'Secret', ALL_VERBS],
      ['pods', true, 'Pod', ALL_VERBS],
      ['namespaces', false, 'Namespace', ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']],
      ['pods/status', true, 'Pod', ['get', 'patch', 'update']],
    ];
    for (const [name, namespaced, kind, verbs] of expected) {
      const found = resource(v1, name);
      expect(found.namespaced, `${name} namespaced`).to.equal(namespaced);
      expect(found.kind, `${name} kind`).to.equal(kind);
      expect(found.verbs, `${name} verbs`).to.include.members(verbs);
    }
  });

  it('[API-DISCOVERY-GROUPS] /apis lists every group with a preferred version, and each group version lists its resources', async () => {
    const list = await get<{ kind: string; groups: ApiGroup[] }>(cluster, '/apis');
    expect(list.kind).to.equal('APIGroupList');
    expect(list.groups, 'groups').to.be.an('array');
    for (const group of list.groups) {
      expect(group.name, 'group name').to.be.a('string').and.not.equal('');
      expect(group.versions, `${group.name} versions`).to.be.an('array').with.length.greaterThan(0);
      for (const version of group.versions) {
        expect(version.groupVersion, `${group.name} groupVersion`).to.equal(
          `${group.name}/${version.version}`,
        );
      }
      expect(group.preferredVersion, `${group.name} preferredVersion`).to.not.equal(undefined);
      expect(
        group.versions.map((v) => v.groupVersion),
        `${group.name} preferredVersion is one of its versions`,
      ).to.include(group.preferredVersion!.groupVersion);

      for (const version of group.versions) {
        const resources = await get<ApiResourceList>(cluster, `/apis/${version.groupVersion}`);
        expect(resources.kind, `/apis/${version.groupVersion} kind`).to.equal('APIResourceList');
        expect(resources.groupVersion, `/apis/${version.groupVersion} groupVersion`).to.equal(
          version.groupVersion,
        );
        expect(resources.resources, `/apis/${version.groupVersion} resources`)
          .to.be.an('array')
          .with.length.greaterThan(0);
        for (const r of resources.resources) {
          expect(r.name, `a resource of ${version.groupVersion}`).to.be.a('string').and.not.equal('');
          expect(r.kind, `${version.groupVersion} ${r.name} kind`).to.be.a('string').and.not.equal('');
          expect(r.verbs, `${version.groupVersion} ${r.name} verbs`).to.be.an('array');
        }
      }
    }
    for (const [group, name] of [
      ['coordination.k8s.io', 'leases'],
      ['events.k8s.io', 'events'],
    ] as const) {
      const served = list.groups.find((g) => g.name === group);
      expect(served, `${group} is served`).to.not.equal(undefined);
      expect(
        served!.versions.map((v) => v.version),
        `${group} versions`,
      ).to.include('v1');
      resource(await get<ApiResourceList>(cluster, `/apis/${group}/v1`), name);
    }
  });

  it('[API-SERVER-VERSION] /version reports whole-number major and minor versions', async () => {
    const info = await get<{ major: string; minor: string; gitVersion: string }>(cluster, '/version');
    const major = String(info.major).replace(/[^0-9]+/g, '');
    const minor = String(info.minor).replace(/[^0-9]+/g, '');
    expect(major, `major "${info.major}"`).to.match(/^\d+$/);
    expect(minor, `minor "${info.minor}"`).to.match(/^\d+$/);
    expect(info.gitVersion, 'gitVersion').to.be.a('string').and.not.equal('');
  });
});
