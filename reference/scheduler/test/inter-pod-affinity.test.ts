import { expect } from 'chai';
import type * as k8s from '@kubernetes/client-node';
import { SKIP, type CycleContext, type ScoreContext } from '../src/framework.ts';
import { NodeCache } from '../src/node-cache.ts';
import { FILTER_PLUGINS, SCORE_PLUGINS } from '../src/plugins/index.ts';
import {
  affinityFilterState,
  checkNode,
  ERR_REASON_AFFINITY_RULES_NOT_MATCH,
  ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH,
  ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH,
} from '../src/plugins/inter-pod-affinity-filter.ts';
import {
  affinityScore,
  affinityScoreState,
  normalizeAffinityScores,
} from '../src/plugins/inter-pod-affinity-score.ts';
import {
  compileSelector,
  parseTerm,
  resolveNamespaces,
  termMatches,
} from '../src/plugins/inter-pod-affinity-terms.ts';
import { interPodAffinityFilter, interPodAffinityScore } from '../src/plugins/inter-pod-affinity.ts';
import { defaultNormalizeScore, nodeAffinityScore, preferredScore } from '../src/plugins/node-affinity.ts';
import { schedulePod, type Decision } from '../src/schedule-pod.ts';
import { SchedulingQueue } from '../src/scheduling-queue.ts';
import { makeNode, makePod, nodeInfos } from './support.ts';

const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';

const term = (
  labels: Record<string, string>,
  topologyKey = HOST,
  extra: Partial<k8s.V1PodAffinityTerm> = {},
): k8s.V1PodAffinityTerm => ({ labelSelector: { matchLabels: labels }, topologyKey, ...extra });

const withAffinity = (affinity: k8s.V1Affinity): Partial<k8s.V1PodSpec> => ({ affinity });
const antiAffinity = (...terms: k8s.V1PodAffinityTerm[]) =>
  withAffinity({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: terms } });
const podAffinity = (...terms: k8s.V1PodAffinityTerm[]) =>
  withAffinity({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: terms } });

const decide = (pod: k8s.V1Pod, nodes: k8s.V1Node[], pods: k8s.V1Pod[] = [], namespaces = new Map()) =>
  schedulePod({
    pod,
    nodes: nodeInfos(nodes, pods),
    services: [],
    namespaces,
    filters: FILTER_PLUGINS,
    scores: SCORE_PLUGINS,
    random: () => 0.99,
  });
const boundTo = (d: Decision): string | undefined => (d.bind ? d.nodeName : undefined);
/** A cycle's context as the scheduler builds it: nodes and affinity lists from a NodeCache. */
function cycle(nodes: k8s.V1Node[], pods: k8s.V1Pod[] = [], namespaces = new Map()): CycleContext {
  const cache = new NodeCache();
  for (const n of nodes) cache.setNode(n);
  for (const p of pods) cache.updatePod(p);
  return {
    nodes: cache.nodeInfos(),
    nodesWithAffinityPods: cache.nodesWithAffinityPods(),
    nodesWithRequiredAntiAffinityPods: cache.nodesWithRequiredAntiAffinityPods(),
    namespaces,
    state: new Map(),
  };
}

describe('InterPodAffinity: label selectors and terms', () => {
  it('compiles selectors as upstream: nil selects nothing, {} everything, all operators ANDed', () => {
    expect(compileSelector(undefined)({ a: '1' })).to.equal(false);
    expect(compileSelector({})({})).to.equal(true);
    const sel = compileSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['front', 'edge'] },
        { key: 'env', operator: 'NotIn', values: ['prod'] },
        { key: 'team', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    });
    expect(sel({ app: 'web', tier: 'edge', team: 'x' })).to.equal(true);
    expect(sel({ app: 'web', tier: 'edge', team: 'x', env: 'dev' })).to.equal(true);
    expect(sel({ app: 'web', tier: 'edge', team: 'x', env: 'prod' })).to.equal(false);
    expect(sel({ app: 'web', tier: 'back', team: 'x' })).to.equal(false);
    expect(sel({ app: 'web', tier: 'edge' })).to.equal(false);
    expect(sel({ app: 'web', tier: 'edge', team: 'x', legacy: '' })).to.equal(false);
    expect(sel({ app: 'db', tier: 'edge', team: 'x' })).to.equal(false);
    expect(
      compileSelector({ matchExpressions: [{ key: 'k', operator: 'Gt', values: ['1'] }] })({ k: '2' }),
    ).to.equal(false);
  });

  it('a term without namespaces and namespaceSelector covers its own pod namespace only', () => {
    const owner = makePod('o', { namespace: 'team-a' });
    const t = parseTerm(owner, term({ app: 'web' }));
    expect(termMatches(t, makePod('p', { namespace: 'team-a', labels: { app: 'web' } }))).to.equal(true);
    expect(termMatches(t, makePod('p', { namespace: 'team-b', labels: { app: 'web' } }))).to.equal(false);
    const listed = parseTerm(owner, term({ app: 'web' }, HOST, { namespaces: ['team-b'] }));
    expect(termMatches(listed, makePod('p', { namespace: 'team-b', labels: { app: 'web' } }))).to.equal(true);
    expect(termMatches(listed, makePod('p', { namespace: 'team-a', labels: { app: 'web' } }))).to.equal(
      false,
    );
  });

  it('namespaceSelector: matched against namespace labels, {} selects every namespace, resolved for the incoming pod', () => {
    const owner = makePod('o', { namespace: 'team-a' });
    const bySelector = parseTerm(
      owner,
      term({ app: 'web' }, HOST, { namespaceSelector: { matchLabels: { env: 'x' } } }),
    );
    const pod = makePod('p', { namespace: 'team-c', labels: { app: 'web' } });
    expect(termMatches(bySelector, pod, { env: 'x' })).to.equal(true);
    expect(termMatches(bySelector, pod, { env: 'y' })).to.equal(false);
    const namespaces = new Map<string, Record<string, string>>([
      ['team-a', {}],
      ['team-c', { env: 'x' }],
    ]);
    const resolved = resolveNamespaces(bySelector, namespaces);
    expect([...resolved.namespaces]).to.deep.equal(['team-c']);
    expect(termMatches(resolved, pod)).to.equal(true);
    const everywhere = parseTerm(owner, term({ app: 'web' }, HOST, { namespaceSelector: {} }));
    expect([...resolveNamespaces(everywhere, namespaces).namespaces].sort()).to.deep.equal([
      'team-a',
      'team-c',
    ]);
  });
});

describe('InterPodAffinity: Filter', () => {
  // `a` is the bigger node: without affinity, resources alone would pick it.
  const nodes = () => [makeNode('a', { cpu: '16', memory: '64Gi' }), makeNode('b')];
  const web = (name: string, nodeName?: string) =>
    makePod(name, {
      labels: { app: 'web' },
      ...(nodeName ? { nodeName } : {}),
      spec: antiAffinity(term({ app: 'web' })),
    });

  it('required anti-affinity on hostname spreads one per node and leaves the third with upstream message', () => {
    expect(boundTo(decide(web('w2'), nodes(), [web('w1', 'a')]))).to.equal('b');
    const third = decide(web('w3'), nodes(), [web('w1', 'a'), web('w2', 'b')]);
    expect(third.bind).to.equal(false);
    if (third.bind) return;
    expect(third.reason).to.equal('Unschedulable');
    expect(third.message).to.equal(
      `0/2 nodes are available: 2 ${ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH}. ` +
        'preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
    );
    expect(third.statuses.get('a')).to.deep.include({ code: 'Unschedulable', plugin: 'InterPodAffinity' });
  });

  it("honours existing pods' required anti-affinity (symmetry) with its own reason", () => {
    const guard = makePod('guard', { nodeName: 'a', spec: antiAffinity(term({ app: 'db' })) });
    expect(boundTo(decide(makePod('db1', { labels: { app: 'db' } }), nodes(), [guard]))).to.equal('b');
    const ctx = cycle([makeNode('a')], [guard]);
    const state = affinityFilterState(makePod('db2', { labels: { app: 'db' } }), ctx)!;
    expect(checkNode(state, makeNode('a'))).to.deep.equal({
      fits: false,
      code: 'Unschedulable',
      reason: ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH,
    });
    // Another namespace's pod is outside the guard's term (its own namespace by default).
    const elsewhere = makePod('db3', { namespace: 'other', labels: { app: 'db' } });
    expect(affinityFilterState(elsewhere, ctx)).to.equal(undefined);
  });

  it('required pod affinity co-locates with its target, by hostname or by zone', () => {
    const target = makePod('cache', { nodeName: 'b', labels: { app: 'cache' } });
    const follower = makePod('app', { spec: podAffinity(term({ app: 'cache' })) });
    expect(boundTo(decide(follower, nodes(), [target]))).to.equal('b');

    const zoned = [
      makeNode('a', { labels: { [ZONE]: 'z1' } }),
      makeNode('b', { labels: { [ZONE]: 'z1' } }),
      makeNode('c', { labels: { [ZONE]: 'z2' } }),
    ];
    const inZone = makePod('app-z', { spec: podAffinity(term({ app: 'cache' }, ZONE)) });
    const ctx = cycle(zoned, [makePod('cache', { nodeName: 'a', labels: { app: 'cache' } })]);
    const state = affinityFilterState(inZone, ctx)!;
    expect(zoned.map((n) => checkNode(state, n).fits)).to.deep.equal([true, true, false]);
    expect(checkNode(state, zoned[2]!)).to.deep.equal({
      fits: false,
      code: 'UnschedulableAndUnresolvable',
      reason: ERR_REASON_AFFINITY_RULES_NOT_MATCH,
    });
    // A node without the topology key never satisfies an affinity term.
    expect(checkNode(state, makeNode('bare')).fits).to.equal(false);
  });

  it('a pod with affinity to a group nobody runs yet stays Pending with the affinity reason', () => {
    const decision = decide(makePod('lonely', { spec: podAffinity(term({ app: 'absent' })) }), nodes());
    expect(decision.bind).to.equal(false);
    if (!decision.bind)
      expect(decision.message).to.equal(
        `0/2 nodes are available: 2 ${ERR_REASON_AFFINITY_RULES_NOT_MATCH}. ` +
          'preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
      );
  });

  it('the first pod of a group whose affinity selects itself may go anywhere with the topology key', () => {
    const first = makePod('first', {
      labels: { app: 'group' },
      spec: podAffinity(term({ app: 'group' }, ZONE)),
    });
    const ctx = cycle([makeNode('a', { labels: { [ZONE]: 'z1' } }), makeNode('b')]);
    const state = affinityFilterState(first, ctx)!;
    expect(checkNode(state, makeNode('a', { labels: { [ZONE]: 'z1' } })).fits).to.equal(true);
    expect(checkNode(state, makeNode('b')).fits, 'no zone label').to.equal(false);
    // Once one member runs, the rest must join its zone.
    const placed = [makePod('m1', { nodeName: 'a', labels: { app: 'group' } })];
    const zoned = [makeNode('a', { labels: { [ZONE]: 'z1' } }), makeNode('c', { labels: { [ZONE]: 'z2' } })];
    expect(boundTo(decide(first, zoned, placed))).to.equal('a');
  });

  it('affinity counts only pods matching all terms, in the namespaces the terms name', () => {
    const both = podAffinity(term({ app: 'cache' }), term({ tier: 'hot' }));
    const pods = [
      makePod('only-app', { nodeName: 'a', labels: { app: 'cache' } }),
      makePod('both', { nodeName: 'b', labels: { app: 'cache', tier: 'hot' }, namespace: 'other' }),
    ];
    expect(decide(makePod('x', { spec: both }), nodes(), pods).bind).to.equal(false);
    const anyNamespace = podAffinity(
      term({ app: 'cache' }, HOST, { namespaceSelector: {} }),
      term({ tier: 'hot' }, HOST, { namespaceSelector: {} }),
    );
    const namespaces = new Map([
      ['default', {}],
      ['other', {}],
    ]);
    expect(boundTo(decide(makePod('y', { spec: anyNamespace }), nodes(), pods, namespaces))).to.equal('b');
  });

  it('skips (PreFilter) when neither the pod nor any existing pod has required terms', () => {
    const ctx = cycle(nodes(), [makePod('plain', { nodeName: 'a', labels: { app: 'web' } })]);
    expect(interPodAffinityFilter.preFilter(makePod('p'), ctx)).to.equal(SKIP);
    expect(ctx.state.size).to.equal(0);
    const withGuard = cycle(nodes(), [web('w1', 'a')]);
    expect(interPodAffinityFilter.preFilter(makePod('p', { labels: { app: 'web' } }), withGuard)).to.equal(
      undefined,
    );
    expect(() => interPodAffinityFilter.filter(makePod('p'), withGuard.nodes[0]!)).to.throw(/PreFilter/);
  });
});

describe('InterPodAffinity: Score', () => {
  const zoned = () => [
    makeNode('a', { labels: { [ZONE]: 'z1' } }),
    makeNode('b', { labels: { [ZONE]: 'z1' } }),
    makeNode('c', { labels: { [ZONE]: 'z2' } }),
  ];
  const preferred = (kind: 'podAffinity' | 'podAntiAffinity', weight: number, t: k8s.V1PodAffinityTerm) =>
    withAffinity({
      [kind]: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight, podAffinityTerm: t }] },
    });
  const scoresOf = (pod: k8s.V1Pod, nodes: k8s.V1Node[], pods: k8s.V1Pod[]) => {
    const state = affinityScoreState(pod, cycle(nodes, pods));
    return state ? nodes.map((n) => affinityScore(state, n)) : undefined;
  };
  const target = makePod('t', { nodeName: 'a', labels: { app: 'cache' } });

  it('preferred affinity adds the weight to every node of the target domain', () => {
    const pod = makePod('p', { spec: preferred('podAffinity', 40, term({ app: 'cache' }, ZONE)) });
    expect(scoresOf(pod, zoned(), [target])).to.deep.equal([40, 40, 0]);
  });

  it('preferred anti-affinity subtracts the weight', () => {
    const pod = makePod('p', { spec: preferred('podAntiAffinity', 7, term({ app: 'cache' })) });
    expect(scoresOf(pod, zoned(), [target])).to.deep.equal([-7, 0, 0]);
  });

  it("existing pods' terms count for the incoming pod they match (required affinity with weight 1)", () => {
    const pod = makePod('p', { labels: { app: 'web' } });
    const existing = [
      makePod('r', { nodeName: 'a', spec: podAffinity(term({ app: 'web' }, ZONE)) }),
      makePod('s', {
        nodeName: 'c',
        spec: withAffinity({
          podAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 3, podAffinityTerm: term({ app: 'web' }) },
            ],
          },
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 5, podAffinityTerm: term({ app: 'web' }) },
            ],
          },
        }),
      }),
    ];
    expect(scoresOf(pod, zoned(), existing)).to.deep.equal([1, 1, -2]);
    expect(scoresOf(makePod('q', { labels: { app: 'other' } }), zoned(), existing)).to.equal(undefined);
  });

  it('normalises as upstream: min → 0, max → 100, truncated; all 0 when every node ties', () => {
    expect(normalizeAffinityScores([-5, 0, 10])).to.deep.equal([0, 33, 100]);
    expect(normalizeAffinityScores([3, 3])).to.deep.equal([0, 0]);
  });

  it('PreScore skips when no term applies; steers placement when one does', () => {
    const nodes = [makeNode('a'), makeNode('b')];
    const ctx: ScoreContext = { ...cycle(nodes), feasible: [], services: [] };
    expect(interPodAffinityScore.preScore(makePod('p'), ctx)).to.equal(SKIP);
    const near = makePod('near', { spec: preferred('podAffinity', 100, term({ app: 'cache' })) });
    const cacheOnB = makePod('t', { nodeName: 'b', labels: { app: 'cache' } });
    expect(boundTo(decide(makePod('plain'), nodes, [cacheOnB]))).to.equal('a');
    expect(boundTo(decide(near, nodes, [cacheOnB]))).to.equal('b');
    // `big` has more room, so resources alone would pick it; anti-affinity to its pod moves `far` off.
    const far = makePod('far', { spec: preferred('podAntiAffinity', 100, term({ app: 'cache' })) });
    const sized = [makeNode('big', { cpu: '16', memory: '64Gi' }), makeNode('small')];
    const cacheOnBig = makePod('t', { nodeName: 'big', labels: { app: 'cache' } });
    expect(boundTo(decide(makePod('plain'), sized, [cacheOnBig]))).to.equal('big');
    expect(boundTo(decide(far, sized, [cacheOnBig]))).to.equal('small');
  });
});

describe('NodeAffinity: preferred terms score', () => {
  const prefer = (...terms: k8s.V1PreferredSchedulingTerm[]) =>
    withAffinity({ nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: terms } });
  const disk = (value: string, weight: number): k8s.V1PreferredSchedulingTerm => ({
    weight,
    preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: [value] }] },
  });

  it('sums the weights of matching terms; an empty term matches nothing', () => {
    const pod = makePod('p', {
      spec: prefer(disk('ssd', 20), disk('nvme', 60), { weight: 5, preference: {} }),
    });
    expect(preferredScore(pod, makeNode('a', { labels: { disk: 'ssd' } }))).to.equal(20);
    expect(preferredScore(pod, makeNode('b', { labels: { disk: 'nvme' } }))).to.equal(60);
    expect(preferredScore(pod, makeNode('c'))).to.equal(0);
  });

  it('normalises with upstream DefaultNormalizeScore and skips pods without preferred terms', () => {
    expect(defaultNormalizeScore([0, 20, 80])).to.deep.equal([0, 25, 100]);
    expect(defaultNormalizeScore([0, 0])).to.deep.equal([0, 0]);
    expect(nodeAffinityScore.preScore(makePod('p'))).to.equal(SKIP);
  });

  it('steers a pod to the preferred node', () => {
    const nodes = [makeNode('a'), makeNode('b', { labels: { disk: 'ssd' } }), makeNode('c')];
    expect(boundTo(decide(makePod('p', { spec: prefer(disk('ssd', 50)) }), nodes))).to.equal('b');
  });
});

describe('scheduler bookkeeping for affinity', () => {
  it('NodeCache lists pods with affinity and with required anti-affinity, and forgets them', () => {
    const cache = new NodeCache();
    cache.setNode(makeNode('a'));
    const anti = makePod('anti', { nodeName: 'a', spec: antiAffinity(term({ app: 'x' })) });
    const soft = makePod('soft', {
      nodeName: 'a',
      spec: withAffinity({
        podAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: term({}) }],
        },
      }),
    });
    cache.updatePod(anti);
    cache.updatePod(soft);
    cache.updatePod(makePod('plain', { nodeName: 'a' }));
    const info = cache.nodeInfos()[0]!;
    expect(info.podsWithAffinity.map((p) => p.metadata!.name)).to.deep.equal(['anti', 'soft']);
    expect(info.podsWithRequiredAntiAffinity.map((p) => p.metadata!.name)).to.deep.equal(['anti']);
    expect(cache.nodesWithAffinityPods()).to.deep.equal([info]);
    expect(cache.nodesWithRequiredAntiAffinityPods()).to.deep.equal([info]);
    const relabelled = { ...anti, metadata: { ...anti.metadata, labels: { v: '2' } } };
    cache.updatePod(relabelled);
    expect(info.podsWithRequiredAntiAffinity).to.deep.equal([relabelled]);
    cache.removePod(anti.metadata!.uid!);
    cache.removePod(soft.metadata!.uid!);
    expect(info.podsWithAffinity).to.deep.equal([]);
    expect(info.podsWithRequiredAntiAffinity).to.deep.equal([]);
    expect(cache.nodesWithAffinityPods()).to.deep.equal([]);
    expect(cache.nodesWithRequiredAntiAffinityPods()).to.deep.equal([]);
    cache.updatePod(makePod('anti-2', { nodeName: 'a', spec: antiAffinity(term({ app: 'x' })) }));
    expect(cache.nodesWithRequiredAntiAffinityPods()).to.have.length(1);
    cache.deleteNode('a');
    expect(cache.nodesWithRequiredAntiAffinityPods(), 'a deleted node is no candidate').to.deep.equal([]);
  });

  it('SchedulingQueue retries only the parked pods an event can help', () => {
    let now = 0;
    const clock = { now: () => now, setTimeout: () => ({ cancel: () => undefined }) };
    const queue = new SchedulingQueue({ initialBackoffMs: 1, maxBackoffMs: 1, clock });
    queue.add('x');
    queue.add('y');
    expect([queue.pop(), queue.pop()]).to.deep.equal(['x', 'y']);
    queue.markUnschedulable('x');
    queue.markUnschedulable('y');
    now += 10; // past the back-off: a moved pod becomes active at once
    queue.moveUnschedulableWhere((uid) => uid === 'y');
    expect(queue.pop()).to.equal('y');
    expect(queue.pop()).to.equal(undefined);
    expect(queue.has('x'), 'x stays parked').to.equal(true);
  });
});
