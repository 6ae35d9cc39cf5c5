// The storage-protection decisions as pure functions: which claims wait on their finalizer,
// which need one, when a pod holds a claim (scheduled and naming it, finished or not, as
// upstream) and which pod events can free claims; a volume is held while it is Bound.
import { expect } from 'chai';
import type * as k8s from '@kubernetes/client-node';
import { claimAsksForClass } from '../src/volume/default-storage-class.ts';
import {
  PVC_PROTECTION_FINALIZER as F,
  claimKeysOf,
  isDeletionCandidate,
  needToAddFinalizer,
  podMayFreeClaims,
  podUsesClaim,
  volumeInUse,
  withFinalizer,
  withoutFinalizer,
} from '../src/volume/protection.ts';

const claim = (meta: Partial<k8s.V1ObjectMeta> = {}): k8s.V1PersistentVolumeClaim => ({
  metadata: { name: 'data', namespace: 'ns', ...meta },
});
const pod = (spec: Partial<k8s.V1PodSpec>, phase?: string, namespace = 'ns'): k8s.V1Pod => ({
  metadata: { name: 'p', namespace },
  spec: { containers: [], ...spec },
  ...(phase ? { status: { phase } } : {}),
});
const usesData = { volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'data' } }] };

describe('storage protection: finalizers', () => {
  it('waits on the finalizer only while being deleted, and needs one only while not', () => {
    const deleting = new Date();
    expect(isDeletionCandidate(claim({ deletionTimestamp: deleting, finalizers: [F] }), F)).to.equal(true);
    expect(isDeletionCandidate(claim({ deletionTimestamp: deleting, finalizers: ['x/y'] }), F)).to.equal(
      false,
    );
    expect(isDeletionCandidate(claim({ finalizers: [F] }), F)).to.equal(false);
    expect(needToAddFinalizer(claim(), F)).to.equal(true);
    expect(needToAddFinalizer(claim({ finalizers: [F] }), F)).to.equal(false);
    expect(needToAddFinalizer(claim({ deletionTimestamp: deleting }), F)).to.equal(false);
  });

  it('adds the finalizer once at the end and removes it, keeping the others in order', () => {
    expect(withFinalizer(claim({ finalizers: ['a/b'] }), F)).to.deep.equal(['a/b', F]);
    expect(withFinalizer(claim({ finalizers: [F, 'a/b'] }), F)).to.deep.equal(['a/b', F]);
    expect(withoutFinalizer(claim({ finalizers: ['a/b', F, 'c/d'] }), F)).to.deep.equal(['a/b', 'c/d']);
  });
});

describe('storage protection: who holds a claim', () => {
  it('counts a scheduled pod naming the claim, running or finished; not an unscheduled one or another namespace', () => {
    expect(podUsesClaim(pod({ nodeName: 'n1', ...usesData }, 'Running'), claim())).to.equal(true);
    expect(podUsesClaim(pod({ nodeName: 'n1', ...usesData }, 'Succeeded'), claim())).to.equal(true);
    expect(podUsesClaim(pod({ ...usesData }), claim())).to.equal(false);
    expect(podUsesClaim(pod({ nodeName: 'n1', ...usesData }, 'Running', 'other'), claim())).to.equal(false);
    expect(podUsesClaim(pod({ nodeName: 'n1', volumes: [{ name: 'v', emptyDir: {} }] }), claim())).to.equal(
      false,
    );
  });

  it('wakes claims on pods that went away, finished or are unscheduled, keyed namespace/name', () => {
    const running = pod({ nodeName: 'n1', ...usesData }, 'Running');
    expect(podMayFreeClaims(running, false)).to.equal(false);
    expect(podMayFreeClaims(running, true)).to.equal(true);
    expect(podMayFreeClaims(pod({ nodeName: 'n1' }, 'Failed'), false)).to.equal(true);
    expect(podMayFreeClaims(pod({}), false)).to.equal(true);
    expect(claimKeysOf(running)).to.deep.equal(['ns/data']);
  });

  it('holds a volume while Bound only', () => {
    expect(volumeInUse({ status: { phase: 'Bound' } })).to.equal(true);
    for (const phase of ['Available', 'Released', 'Failed', undefined]) {
      expect(volumeInUse({ status: { phase } })).to.equal(false);
    }
  });
});

describe('default StorageClass: which claims ask for a class', () => {
  it('a class name (even "") or the beta annotation asks; nothing at all does not', () => {
    expect(claimAsksForClass({ spec: { storageClassName: 'gold' } })).to.equal(true);
    expect(claimAsksForClass({ spec: { storageClassName: '' } })).to.equal(true);
    expect(
      claimAsksForClass({ metadata: { annotations: { 'volume.beta.kubernetes.io/storage-class': '' } } }),
    ).to.equal(true);
    expect(claimAsksForClass({ spec: {} })).to.equal(false);
  });
});
