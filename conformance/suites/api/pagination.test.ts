// Chunked lists: limit and continue. The namespace may hold objects the cluster adds itself
// (upstream's kube-root-ca.crt), so the checks are about the pages' own consistency plus the
// presence of every object this test made.
import type { V1ConfigMapList } from '@kubernetes/client-node';
import { expect } from 'chai';
import { useTestNamespace } from '../../lib/namespace.ts';
import { useSpecTimeouts } from '../../lib/specs.ts';
import { bodyOf } from '../../lib/status.ts';

const OBJECTS = 23;
const LIMIT = 5;

interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}
interface Page {
  metadata?: ListMeta;
  items: Array<{ metadata?: { name?: string } }>;
}

describe('api: pagination', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('api-pages');

  it('[API-LIST-PAGINATION] limit and continue return every object exactly once from one snapshot', async () => {
    const namespace = ns.name;
    const path = `/api/v1/namespaces/${namespace}/configmaps`;
    const made = Array.from({ length: OBJECTS }, (_, i) => `page-${String(i).padStart(2, '0')}`);
    for (const name of made) {
      await ns.cluster.core.createNamespacedConfigMap({ namespace, body: { metadata: { name } } });
    }

    const getPage = async (token?: string): Promise<Page> => {
      const query = { limit: LIMIT, ...(token ? { continue: token } : {}) };
      return bodyOf<Page>(
        `list page ${JSON.stringify(query)}`,
        await ns.cluster.request({ method: 'GET', path, query }),
        [200],
      );
    };

    const first = await getPage();
    const snapshot = first.metadata?.resourceVersion;
    expect(snapshot, 'first page resourceVersion').to.be.a('string').and.not.equal('');
    expect(first.metadata?.continue, 'first page continue token').to.be.a('string').and.not.equal('');
    expect(first.metadata?.remainingItemCount, 'first page remainingItemCount').to.be.a('number');
    const total = first.items.length + first.metadata!.remainingItemCount!;
    expect(total, 'objects in the snapshot').to.be.at.least(OBJECTS);

    // Created after the first page: a consistent snapshot must not show it on later pages.
    await ns.cluster.core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'page-zz-late' } },
    });

    const seen: string[] = first.items.map((item) => item.metadata!.name!);
    let page = first;
    let pages = 1;
    while (page.metadata?.continue) {
      expect(page.items.length, `page ${pages} size`).to.be.at.most(LIMIT).and.at.least(1);
      expect(page.metadata.remainingItemCount, `page ${pages} remainingItemCount`).to.equal(
        total - seen.length,
      );
      page = await getPage(page.metadata.continue);
      pages += 1;
      expect(pages, 'pages').to.be.at.most(Math.ceil(total / LIMIT) + 1);
      expect(page.metadata?.resourceVersion, `page ${pages} resourceVersion`).to.equal(snapshot);
      seen.push(...page.items.map((item) => item.metadata!.name!));
    }
    expect(page.items.length, 'last page size').to.be.at.most(LIMIT);
    expect(page.metadata?.remainingItemCount, 'last page remainingItemCount').to.equal(undefined);

    const duplicates = seen.filter((name, i) => seen.indexOf(name) !== i);
    expect(duplicates, 'objects returned twice').to.deep.equal([]);
    expect(seen.length, 'objects over all pages').to.equal(total);
    expect(seen, 'every object made before the first page').to.include.members(made);
    expect(seen, 'the object made after the first page').to.not.include('page-zz-late');

    const all = await ns.cluster.core.listNamespacedConfigMap({ namespace });
    const allNames = all.items.map((item) => item.metadata!.name!);
    expect(allNames, 'a list without limit').to.include.members([...made, 'page-zz-late']);
    expect(
      (all as V1ConfigMapList).metadata?._continue ?? '',
      'a list without limit has no continue',
    ).to.equal('');
  });
});
