// The persistent-volume decision logic without I/O: quantity comparison, upstream's matching order
// (pre-bound first, then the smallest fitting volume, by access-mode group), why a named volume
// does not fit, the default class, and the local provisioner's PV and path safety.
import { expect } from 'chai';
import { mkdtempSync, mkdirSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import {
  LOCAL_PROVISIONER,
  ProvisioningError,
  checkProvisionable,
  deleteHostPathVolume,
  directoryFor,
  provisionedVolume,
  removeVolumeDirectory,
} from '../src/volume/local-provisioner.ts';
import {
  defaultStorageClass,
  findBestMatchForClaim,
  findMatchingVolume,
  selectorMatches,
  volumeNodeAffinityFits,
  volumeUnfitReason,
} from '../src/volume/pv-matching.ts';
import { compareQuantities, formatBytes, quantityBytes } from '../src/volume/quantity.ts';
import { WrittenOverlay } from '../src/volume/object-cache.ts';

function pv(
  name: string,
  size: string,
  extra: Partial<k8s.V1PersistentVolumeSpec> = {},
  phase = 'Available',
) {
  return {
    metadata: { name, labels: { tier: name.startsWith('fast') ? 'fast' : 'slow' } },
    spec: {
      capacity: { storage: size },
      accessModes: ['ReadWriteOnce'],
      hostPath: { path: `/tmp/${name}` },
      ...extra,
    },
    status: { phase },
  } as k8s.V1PersistentVolume;
}

function claim(
  size: string,
  extra: Partial<k8s.V1PersistentVolumeClaimSpec> = {},
): k8s.V1PersistentVolumeClaim {
  return {
    metadata: { name: 'data', namespace: 'ns', uid: 'claim-uid' },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: size } },
      storageClassName: '',
      ...extra,
    },
  };
}

describe('volumes: quantities', () => {
  it('compares binary, decimal and plain quantities exactly', () => {
    expect(compareQuantities('1Gi', '1073741824')).to.equal(0);
    expect(compareQuantities('1G', '1Gi')).to.equal(-1);
    expect(compareQuantities('1.5Gi', '1536Mi')).to.equal(0);
    expect(compareQuantities('2Ei', '1Ei')).to.equal(1);
    expect(compareQuantities('500m', '1')).to.equal(-1);
    expect(compareQuantities('1e3', '1k')).to.equal(0);
  });
  it('rounds to whole bytes and prints the largest exact binary unit', () => {
    expect(quantityBytes('1.5Ki')).to.equal(1536n);
    expect(quantityBytes('1m')).to.equal(1n);
    expect(formatBytes(5n * 2n ** 30n)).to.equal('5Gi');
    expect(formatBytes(1536n * 2n ** 20n)).to.equal('1536Mi');
    expect(formatBytes(7n)).to.equal('7');
  });
});

describe('volumes: matching a claim to a volume', () => {
  it('takes the smallest volume that is big enough and never a too-small one', () => {
    const volumes = [pv('big', '10Gi'), pv('small', '500Mi'), pv('right', '2Gi'), pv('bigger', '5Gi')];
    expect(findBestMatchForClaim(claim('1Gi'), volumes)?.metadata?.name).to.equal('right');
    expect(findBestMatchForClaim(claim('20Gi'), volumes)).to.equal(undefined);
  });

  it('skips volumes of another class, volumeMode, selector, phase, or claimed by someone else', () => {
    const volumes = [
      pv('classy', '1Gi', { storageClassName: 'gold' }),
      pv('block', '1Gi', { volumeMode: 'Block' }),
      pv('released', '1Gi', {}, 'Released'),
      pv('taken', '1Gi', { claimRef: { namespace: 'ns', name: 'other', uid: 'x' } }),
      pv('fast-1', '3Gi'),
      pv('slow-1', '2Gi'),
    ];
    expect(findBestMatchForClaim(claim('1Gi'), volumes)?.metadata?.name).to.equal('slow-1');
    const fast = claim('1Gi', { selector: { matchLabels: { tier: 'fast' } } });
    expect(findBestMatchForClaim(fast, volumes)?.metadata?.name).to.equal('fast-1');
    expect(
      findBestMatchForClaim(claim('1Gi', { storageClassName: 'gold' }), volumes)?.metadata?.name,
    ).to.equal('classy');
  });

  it('prefers a volume pre-bound to the claim over a smaller free one, even when binding is delayed', () => {
    const prebound = pv('prebound', '10Gi', { claimRef: { namespace: 'ns', name: 'data' } });
    const volumes = [pv('small', '1Gi'), prebound];
    expect(findBestMatchForClaim(claim('1Gi'), volumes)?.metadata?.name).to.equal('prebound');
    expect(findBestMatchForClaim(claim('1Gi'), volumes, { delayBinding: true })?.metadata?.name).to.equal(
      'prebound',
    );
    expect(findBestMatchForClaim(claim('1Gi'), [pv('small', '1Gi')], { delayBinding: true })).to.equal(
      undefined,
    );
  });

  it('searches access-mode groups from the fewest modes up, and only groups offering every mode asked for', () => {
    const rwoRwx = pv('both', '1Gi', { accessModes: ['ReadWriteOnce', 'ReadWriteMany'] });
    const rwo = pv('rwo', '5Gi');
    expect(findBestMatchForClaim(claim('1Gi'), [rwoRwx, rwo])?.metadata?.name).to.equal('rwo');
    const many = claim('1Gi', { accessModes: ['ReadWriteMany'] });
    expect(findBestMatchForClaim(many, [rwoRwx, rwo])?.metadata?.name).to.equal('both');
    expect(findBestMatchForClaim(claim('1Gi', { accessModes: ['ReadOnlyMany'] }), [rwoRwx, rwo])).to.equal(
      undefined,
    );
  });

  it('on the scheduler path, honours the node affinity and access modes of free volumes', () => {
    const local = pv('local', '1Gi', {
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['a'] }] },
          ],
        },
      },
    });
    const nodeA = { metadata: { name: 'a', labels: { 'kubernetes.io/hostname': 'a' } } } as k8s.V1Node;
    const nodeB = { metadata: { name: 'b', labels: { 'kubernetes.io/hostname': 'b' } } } as k8s.V1Node;
    expect(volumeNodeAffinityFits(local, nodeA)).to.equal(true);
    expect(volumeNodeAffinityFits(local, nodeB)).to.equal(false);
    expect(
      findMatchingVolume(claim('1Gi'), [local], { node: nodeA, delayBinding: true })?.metadata?.name,
    ).to.equal('local');
    expect(findMatchingVolume(claim('1Gi'), [local], { node: nodeB, delayBinding: true })).to.equal(
      undefined,
    );
    expect(
      findMatchingVolume(claim('1Gi'), [local], {
        node: nodeA,
        delayBinding: true,
        excluded: new Set(['local']),
      }),
    ).to.equal(undefined);
  });

  it('says why a named volume does not fit, in upstream words', () => {
    expect(volumeUnfitReason(pv('v', '1Gi'), claim('2Gi'))).to.equal('requested PV is too small');
    expect(volumeUnfitReason(pv('v', '1Gi', { storageClassName: 'x' }), claim('1Gi'))).to.equal(
      'storageClassName does not match',
    );
    expect(volumeUnfitReason(pv('v', '1Gi', { volumeMode: 'Block' }), claim('1Gi'))).to.equal(
      'incompatible volumeMode',
    );
    expect(volumeUnfitReason(pv('v', '1Gi'), claim('1Gi', { accessModes: ['ReadWriteMany'] }))).to.equal(
      'incompatible accessMode',
    );
    expect(volumeUnfitReason(pv('v', '1Gi'), claim('1Gi'))).to.equal(undefined);
  });

  it('matches label selectors with expressions', () => {
    const sel = { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['slow'] }] };
    expect(selectorMatches(sel, { tier: 'fast' })).to.equal(true);
    expect(selectorMatches(sel, { tier: 'slow' })).to.equal(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'x', operator: 'Exists' }] }, {})).to.equal(false);
  });

  it('picks the newest class annotated default', () => {
    const sc = (name: string, at: string, isDefault: boolean) =>
      ({
        metadata: {
          name,
          creationTimestamp: new Date(at),
          annotations: isDefault ? { 'storageclass.kubernetes.io/is-default-class': 'true' } : {},
        },
        provisioner: 'x',
      }) as k8s.V1StorageClass;
    const classes = [
      sc('old', '2024-01-01T00:00:00Z', true),
      sc('new', '2025-01-01T00:00:00Z', true),
      sc('no', '2026-01-01T00:00:00Z', false),
    ];
    expect(defaultStorageClass(classes)?.metadata?.name).to.equal('new');
    expect(defaultStorageClass([classes[2]!])).to.equal(undefined);
  });
});

describe('volumes: overlay of written objects', () => {
  it('prefers what was written until the cache holds a newer version', () => {
    const overlay = new WrittenOverlay<k8s.V1PersistentVolume>((o) => o.metadata!.name!);
    const cached = { metadata: { name: 'v', resourceVersion: '5' }, status: { phase: 'Available' } };
    overlay.wrote({ metadata: { name: 'v', resourceVersion: '7' }, status: { phase: 'Bound' } });
    expect(overlay.pick('v', cached)?.status?.phase).to.equal('Bound');
    overlay.wrote({ metadata: { name: 'new', resourceVersion: '8' } });
    expect(overlay.all([cached]).map((o) => o.metadata?.name)).to.deep.equal(['v', 'new']);
    expect(
      overlay.pick('v', { metadata: { name: 'v', resourceVersion: '9' } })?.metadata?.resourceVersion,
    ).to.equal('9');
  });
});

describe('volumes: local provisioner', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'kconform-volroot-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('makes a hostPath volume pre-bound to the claim with the class reclaim policy', () => {
    const c = claim('1Gi', { storageClassName: 'kconform-local' });
    const sc = {
      metadata: { name: 'kconform-local' },
      provisioner: LOCAL_PROVISIONER,
      reclaimPolicy: 'Retain',
    };
    const made = provisionedVolume(c, sc, root);
    expect(made.metadata?.name).to.equal('pvc-claim-uid');
    expect(made.metadata?.annotations?.['pv.kubernetes.io/provisioned-by']).to.equal(LOCAL_PROVISIONER);
    expect(made.spec?.claimRef).to.include({ namespace: 'ns', name: 'data', uid: 'claim-uid' });
    expect(made.spec?.hostPath?.path).to.equal(join(root, 'pvc-claim-uid_ns_data'));
    expect(made.spec?.persistentVolumeReclaimPolicy).to.equal('Retain');
    expect(made.spec?.capacity?.storage).to.equal('1Gi');
    expect(
      provisionedVolume(c, { ...sc, reclaimPolicy: undefined }, root).spec?.persistentVolumeReclaimPolicy,
    ).to.equal('Delete');
  });

  it('refuses a size beyond the free space, a selector, and block mode', async () => {
    const huge = await checkProvisionable(claim('8Ei'), root).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(huge).to.be.instanceOf(ProvisioningError);
    expect((huge as Error).message).to.match(
      new RegExp(`^insufficient capacity under ${root}: requested 8Ei, \\d+\\w* free$`),
    );
    await checkProvisionable(claim('1Mi'), root);
    const selector = await checkProvisionable(
      claim('1Mi', { selector: { matchLabels: { a: 'b' } } }),
      root,
    ).catch((e: Error) => e.message);
    expect(selector).to.equal('claim.Spec.Selector is not supported for dynamic provisioning');
    const block = await checkProvisionable(claim('1Mi', { volumeMode: 'Block' }), root).catch(
      (e: Error) => e.message,
    );
    expect(block).to.equal('volumeMode Block is not supported: only Filesystem');
  });

  it('removes only directories under its root', async () => {
    const dir = directoryFor(root, claim('1Gi'));
    mkdirSync(dir);
    writeFileSync(join(dir, 'data'), 'x');
    await removeVolumeDirectory(dir, root);
    expect(existsSync(dir)).to.equal(false);
    const outside = await removeVolumeDirectory('/etc', root).catch((e: Error) => e.message);
    expect(outside).to.equal(`refusing to delete /etc: it is not under the volume root ${root}`);
    const rootItself = await removeVolumeDirectory(root, root).catch((e: Error) => e.message);
    expect(rootItself).to.match(/^refusing to delete/);
  });

  it("deletes hostPath volumes it did not make only under /tmp, as upstream's host_path deleter", async () => {
    const err = await deleteHostPathVolume(pv('v', '1Gi', { hostPath: { path: '/srv/data' } })).catch(
      (e: Error) => e.message,
    );
    expect(err).to.equal('host_path deleter only supports /tmp/.+ but received provided /srv/data');
    const dir = join(root, 'x');
    mkdirSync(dir);
    await deleteHostPathVolume(pv('v', '1Gi', { hostPath: { path: dir } }));
    expect(existsSync(dir)).to.equal(false);
  });
});
