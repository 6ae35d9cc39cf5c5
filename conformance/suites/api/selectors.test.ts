// Label and field selectors on lists. Every selector is combined with `group=sel` (or a field on
// the test's own names) so that objects a cluster adds to every namespace (upstream's
// kube-root-ca.crt) never change the answer.
import type { V1Pod } from '@kubernetes/client-node';
import { expect } from 'chai';
import type { Cluster } from '../../lib/cluster.ts';
import { useTestNamespace } from '../../lib/namespace.ts';
import { absentNodeName, createInertServiceAccount, inertPod } from '../../lib/pods.ts';
import { useSpecTimeouts } from '../../lib/specs.ts';
import { bodyOf, statusOf } from '../../lib/status.ts';

interface NamedList {
  items: Array<{ metadata?: { name?: string; namespace?: string } }>;
}

async function names(
  cluster: Cluster,
  path: string,
  query: Record<string, string>,
): Promise<{ names: string[]; namespaces: string[] }> {
  const res = await cluster.request({ method: 'GET', path, query });
  const list = bodyOf<NamedList>(`GET ${path} ${JSON.stringify(query)}`, res, [200]);
  return {
    names: list.items.map((item) => item.metadata?.name ?? '').sort(),
    namespaces: [...new Set(list.items.map((item) => item.metadata?.namespace ?? ''))],
  };
}

describe('api: selectors', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('api-selectors');
  const configMaps = () => `/api/v1/namespaces/${ns.name}/configmaps`;

  before(async function () {
    this.timeout(60_000);
    const labelled: Array<[string, Record<string, string>]> = [
      ['sel-a', { env: 'prod', tier: 'web' }],
      ['sel-b', { env: 'dev', tier: 'web' }],
      ['sel-c', { env: 'test' }],
      ['sel-d', { tier: 'db' }],
      ['sel-e', {}],
    ];
    for (const [name, labels] of labelled) {
      await ns.cluster.core.createNamespacedConfigMap({
        namespace: ns.name,
        body: { metadata: { name, labels: { group: 'sel', ...labels } } },
      });
    }
  });

  it('[API-LABEL-SELECTOR] list honours =, ==, !=, in, notin, exists and !exists label selectors', async () => {
    const cases: Array<[string, string[]]> = [
      ['env=prod', ['sel-a']],
      ['env==prod', ['sel-a']],
      ['env!=prod', ['sel-b', 'sel-c', 'sel-d', 'sel-e']],
      ['env in (prod,dev)', ['sel-a', 'sel-b']],
      ['env notin (prod,dev)', ['sel-c', 'sel-d', 'sel-e']],
      ['tier', ['sel-a', 'sel-b', 'sel-d']],
      ['!tier', ['sel-c', 'sel-e']],
      ['env=prod,tier=web', ['sel-a']],
      ['env=dev,tier=db', []],
      ['tier in (web),env notin (dev)', ['sel-a']],
    ];
    for (const [selector, expected] of cases) {
      const labelSelector = `group=sel,${selector}`;
      const found = await names(ns.cluster, configMaps(), { labelSelector });
      expect(found.names, `labelSelector ${labelSelector}`).to.deep.equal(expected);
    }
  });

  it('[API-LABEL-SELECTOR-INVALID] an unparsable label selector is refused with 400 BadRequest', async () => {
    for (const labelSelector of ['env in prod', 'env in (prod']) {
      const res = await ns.cluster.request({ method: 'GET', path: configMaps(), query: { labelSelector } });
      const status = statusOf(`list with labelSelector "${labelSelector}"`, res, 400);
      expect(status.reason, `labelSelector "${labelSelector}"`).to.equal('BadRequest');
    }
  });

  it('[API-FIELD-SELECTOR] list honours metadata.name and metadata.namespace field selectors', async () => {
    const namespace = ns.name;
    expect(
      (await names(ns.cluster, configMaps(), { fieldSelector: 'metadata.name=sel-a' })).names,
    ).to.deep.equal(['sel-a']);
    expect(
      (
        await names(ns.cluster, configMaps(), {
          fieldSelector: 'metadata.name!=sel-a',
          labelSelector: 'group=sel',
        })
      ).names,
    ).to.deep.equal(['sel-b', 'sel-c', 'sel-d', 'sel-e']);

    const everywhere = await names(ns.cluster, '/api/v1/configmaps', {
      fieldSelector: `metadata.namespace=${namespace}`,
      labelSelector: 'group=sel',
    });
    expect(everywhere.names).to.deep.equal(['sel-a', 'sel-b', 'sel-c', 'sel-d', 'sel-e']);
    expect(everywhere.namespaces).to.deep.equal([namespace]);
    expect(
      (
        await names(ns.cluster, '/api/v1/configmaps', {
          fieldSelector: `metadata.namespace=${namespace},metadata.name=sel-b`,
        })
      ).names,
    ).to.deep.equal(['sel-b']);

    const res = await ns.cluster.request({
      method: 'GET',
      path: configMaps(),
      query: { fieldSelector: 'spec.foo=bar' },
    });
    expect(statusOf('list with the unsupported fieldSelector spec.foo', res, 400).reason).to.equal(
      'BadRequest',
    );
  });

  it('[API-FIELD-SELECTOR-POD] pod lists honour spec.nodeName and status.phase field selectors', async () => {
    const { core } = ns.cluster;
    const namespace = ns.name;
    await createInertServiceAccount(ns.cluster, namespace);
    const nodeA = absentNodeName();
    const nodeB = absentNodeName();
    const pods: V1Pod[] = [
      inertPod('on-a', { nodeName: nodeA, labels: { group: 'fsel' } }),
      inertPod('on-b', { nodeName: nodeB, labels: { group: 'fsel' } }),
      inertPod('unbound', { labels: { group: 'fsel' } }),
    ];
    for (const body of pods) await core.createNamespacedPod({ namespace, body });
    const podsPath = `/api/v1/namespaces/${namespace}/pods`;
    const cases: Array<[string, string[]]> = [
      [`spec.nodeName=${nodeA}`, ['on-a']],
      [`spec.nodeName!=${nodeA}`, ['on-b', 'unbound']],
      ['spec.nodeName=', ['unbound']],
      ['status.phase=Pending', ['on-a', 'on-b', 'unbound']],
      ['status.phase=Running', []],
      [`status.phase=Pending,spec.nodeName=${nodeB}`, ['on-b']],
    ];
    for (const [fieldSelector, expected] of cases) {
      const found = await names(ns.cluster, podsPath, { fieldSelector, labelSelector: 'group=fsel' });
      expect(found.names, `fieldSelector ${fieldSelector}`).to.deep.equal(expected);
    }
  });
});
