import { expect } from 'chai';
import type * as k8s from '@kubernetes/client-node';
import * as nodeUnschedulable from '../src/plugins/node-unschedulable.ts';
import * as nodeName from '../src/plugins/node-name.ts';
import * as nodeAffinity from '../src/plugins/node-affinity.ts';
import * as taintToleration from '../src/plugins/taint-toleration.ts';
import * as nodeReady from '../src/plugins/node-ready.ts';
import * as nodeResourcesFit from '../src/plugins/node-resources-fit.ts';
import * as nodePorts from '../src/plugins/node-ports.ts';
import * as selectorSpread from '../src/plugins/selector-spread.ts';
import * as leastAllocated from '../src/plugins/least-allocated.ts';
import { parseQuantity, podRequests } from '../src/resources.ts';
import { infoOf, makeNode, makePod } from './support.ts';

describe('scheduler resources', () => {
  it('parses quantities', () => {
    expect(parseQuantity('100m')).to.equal(0.1);
    expect(parseQuantity('1Gi')).to.equal(2 ** 30);
    expect(parseQuantity('2e3')).to.equal(2000);
    expect(parseQuantity('1.5')).to.equal(1.5);
    expect(parseQuantity('x')).to.equal(undefined);
  });
  it('computes requests as max(sum of containers, largest init container) plus overhead', () => {
    const pod = makePod('p', {
      spec: {
        containers: [
          { name: 'a', resources: { requests: { cpu: '100m', memory: '64Mi' } } },
          { name: 'b', resources: { requests: { cpu: '200m' } } },
        ],
        initContainers: [{ name: 'i', resources: { requests: { cpu: '500m', memory: '32Mi' } } }],
        overhead: { cpu: '10m' },
      },
    });
    expect(podRequests(pod)).to.deep.equal({ milliCpu: 510, memory: 64 * 2 ** 20 });
    expect(podRequests(makePod('q'), true)).to.deep.equal({ milliCpu: 100, memory: 200 * 2 ** 20 });
  });
});

describe('scheduler filter plugins', () => {
  it('NodeUnschedulable: a cordoned node takes only pods tolerating the unschedulable taint', () => {
    expect(nodeUnschedulable.ERR_REASON).to.equal('node(s) were unschedulable');
    const node = makeNode('n', { unschedulable: true });
    expect(nodeUnschedulable.fits(makePod('p'), node)).to.equal(false);
    expect(nodeUnschedulable.fits(makePod('p'), makeNode('m'))).to.equal(true);
    const tolerant = makePod('t', {
      spec: {
        tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }],
      },
    });
    expect(nodeUnschedulable.fits(tolerant, node)).to.equal(true);
    expect(nodeUnschedulable.nodeUnschedulable.filter(makePod('p'), infoOf(node))).to.deep.equal({
      code: 'UnschedulableAndUnresolvable',
      reasons: ['node(s) were unschedulable'],
    });
  });

  it('NodeName: fits only the named node', () => {
    expect(nodeName.ERR_REASON).to.equal("node(s) didn't match the requested node name");
    expect(nodeName.fits(makePod('p', { nodeName: 'a' }), makeNode('a'))).to.equal(true);
    expect(nodeName.fits(makePod('p', { nodeName: 'a' }), makeNode('b'))).to.equal(false);
    expect(nodeName.fits(makePod('p'), makeNode('b'))).to.equal(true);
  });

  describe('NodeAffinity', () => {
    const node = makeNode('n', { labels: { disk: 'ssd', gen: '5' } });
    const withTerms = (...terms: k8s.V1NodeSelectorTerm[]) =>
      makePod('p', {
        spec: {
          affinity: {
            nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
          },
        },
      });
    const expr = (key: string, operator: string, values?: string[]) => ({
      matchExpressions: [{ key, operator, ...(values ? { values } : {}) }],
    });

    it('has upstream reason', () =>
      expect(nodeAffinity.ERR_REASON).to.equal("node(s) didn't match Pod's node affinity/selector"));
    it('nodeSelector must match every label', () => {
      expect(nodeAffinity.fits(makePod('p', { spec: { nodeSelector: { disk: 'ssd' } } }), node)).to.equal(
        true,
      );
      expect(nodeAffinity.fits(makePod('p', { spec: { nodeSelector: { disk: 'hdd' } } }), node)).to.equal(
        false,
      );
      expect(
        nodeAffinity.fits(makePod('p', { spec: { nodeSelector: { disk: 'ssd', x: 'y' } } }), node),
      ).to.equal(false);
    });
    it('In, NotIn, Exists, DoesNotExist, Gt, Lt', () => {
      const cases: Array<[k8s.V1NodeSelectorTerm, boolean]> = [
        [expr('disk', 'In', ['ssd', 'nvme']), true],
        [expr('disk', 'In', ['hdd']), false],
        [expr('disk', 'NotIn', ['hdd']), true],
        [expr('disk', 'NotIn', ['ssd']), false],
        [expr('absent', 'NotIn', ['x']), true],
        [expr('disk', 'Exists'), true],
        [expr('absent', 'Exists'), false],
        [expr('absent', 'DoesNotExist'), true],
        [expr('disk', 'DoesNotExist'), false],
        [expr('gen', 'Gt', ['4']), true],
        [expr('gen', 'Gt', ['5']), false],
        [expr('gen', 'Lt', ['6']), true],
        [expr('gen', 'Lt', ['5']), false],
        [expr('disk', 'Gt', ['1']), false],
        [expr('absent', 'Lt', ['1']), false],
        [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n'] }] }, true],
        [{ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n'] }] }, false],
        [{}, false],
      ];
      for (const [term, want] of cases)
        expect(nodeAffinity.fits(withTerms(term), node), JSON.stringify(term)).to.equal(want);
    });
    it('terms are ORed, expressions ANDed', () => {
      expect(nodeAffinity.fits(withTerms(expr('disk', 'In', ['hdd']), expr('gen', 'Exists')), node)).to.equal(
        true,
      );
      const both = {
        matchExpressions: [
          ...expr('disk', 'Exists').matchExpressions,
          ...expr('gen', 'Lt', ['2']).matchExpressions,
        ],
      };
      expect(nodeAffinity.fits(withTerms(both), node)).to.equal(false);
      expect(nodeAffinity.fits(withTerms(), node)).to.equal(false);
    });
  });

  it('TaintToleration: NoSchedule/NoExecute taints must be tolerated; reason names the first', () => {
    const node = makeNode('n', {
      taints: [
        { key: 'soft', value: 'x', effect: 'PreferNoSchedule' },
        { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
        { key: 'evict', effect: 'NoExecute' },
      ],
    });
    expect(taintToleration.ERR_REASON({ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' })).to.equal(
      'node(s) had untolerated taint {dedicated: gpu}',
    );
    expect(taintToleration.taintToleration.filter(makePod('p'), infoOf(node))).to.deep.equal({
      code: 'UnschedulableAndUnresolvable',
      reasons: ['node(s) had untolerated taint {dedicated: gpu}'],
    });
    const some = makePod('p', {
      spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu' }] },
    });
    expect(taintToleration.taintToleration.filter(some, infoOf(node)).reasons).to.deep.equal([
      'node(s) had untolerated taint {evict: }',
    ]);
    const all = makePod('p', { spec: { tolerations: [{ operator: 'Exists' }] } });
    expect(taintToleration.fits(all, node)).to.equal(true);
    const wrongEffect = makePod('p', {
      spec: { tolerations: [{ operator: 'Exists', effect: 'NoExecute' }] },
    });
    expect(taintToleration.fits(wrongEffect, node)).to.equal(false);
    const wrongValue = makePod('p', {
      spec: {
        tolerations: [
          { key: 'dedicated', value: 'cpu' },
          { key: 'evict', operator: 'Exists' },
        ],
      },
    });
    expect(taintToleration.fits(wrongValue, node)).to.equal(false);
  });

  it('NodeReady: a node not Ready is treated as tainted not-ready/unreachable', () => {
    expect(nodeReady.fits(makePod('p'), makeNode('n'))).to.equal(true);
    expect(nodeReady.nodeReady.filter(makePod('p'), infoOf(makeNode('n', { ready: 'False' })))).to.deep.equal(
      {
        code: 'UnschedulableAndUnresolvable',
        reasons: ['node(s) had untolerated taint {node.kubernetes.io/not-ready: }'],
      },
    );
    expect(
      nodeReady.nodeReady.filter(makePod('p'), infoOf(makeNode('n', { ready: 'Unknown' }))).reasons,
    ).to.deep.equal(['node(s) had untolerated taint {node.kubernetes.io/unreachable: }']);
    expect(nodeReady.fits(makePod('p'), makeNode('n', { ready: 'absent' }))).to.equal(false);
    const tolerant = makePod('p', {
      spec: { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }] },
    });
    expect(nodeReady.fits(tolerant, makeNode('n', { ready: 'False' }))).to.equal(true);
  });

  it('NodeResourcesFit: requests against allocatable minus what bound pods request', () => {
    expect(nodeResourcesFit.ERR_REASON).to.deep.equal({
      pods: 'Too many pods',
      cpu: 'Insufficient cpu',
      memory: 'Insufficient memory',
    });
    const node = makeNode('n', { cpu: '1', memory: '1Gi', pods: '2' });
    const bound = makePod('b', { cpu: '600m', memory: '512Mi', nodeName: 'n' });
    const info = infoOf(node, [bound]);
    expect(nodeResourcesFit.fits(makePod('p', { cpu: '400m', memory: '512Mi' }), info)).to.equal(true);
    expect(nodeResourcesFit.nodeResourcesFit.filter(makePod('p', { cpu: '500m' }), info)).to.deep.equal({
      code: 'Unschedulable',
      reasons: ['Insufficient cpu'],
    });
    expect(
      nodeResourcesFit.nodeResourcesFit.filter(makePod('p', { cpu: '2', memory: '1Gi' }), info).reasons,
    ).to.deep.equal(['Insufficient cpu', 'Insufficient memory']);
    const full = infoOf(node, [bound, makePod('c', { nodeName: 'n' })]);
    expect(nodeResourcesFit.nodeResourcesFit.filter(makePod('p', { cpu: '5' }), full).reasons).to.deep.equal([
      'Too many pods',
      'Insufficient cpu',
    ]);
    // A pod requesting nothing fits however full the node's cpu is.
    expect(
      nodeResourcesFit.fits(makePod('p'), infoOf(node, [makePod('x', { cpu: '1', nodeName: 'n' })])),
    ).to.equal(true);
  });

  it('NodePorts: a host port in use on the node does not fit', () => {
    expect(nodePorts.ERR_REASON).to.equal("node(s) didn't have free ports for the requested pod ports");
    const withPort = (name: string, hostPort: number, hostIP?: string, protocol?: string) =>
      makePod(name, {
        nodeName: 'n',
        spec: {
          containers: [
            {
              name: 'c',
              ports: [
                {
                  containerPort: 80,
                  hostPort,
                  ...(hostIP ? { hostIP } : {}),
                  ...(protocol ? { protocol } : {}),
                },
              ],
            },
          ],
        },
      });
    const info = infoOf(makeNode('n'), [withPort('a', 8080), withPort('b', 9090, '127.0.0.1')]);
    const wants = (hostPort: number, hostIP?: string, protocol?: string) => {
      const p = withPort('w', hostPort, hostIP, protocol);
      delete p.spec!.nodeName;
      return nodePorts.nodePorts.filter(p, info).code;
    };
    expect(wants(8080)).to.equal('Unschedulable');
    expect(wants(8080, '10.0.0.1')).to.equal('Unschedulable');
    expect(wants(8080, undefined, 'UDP')).to.equal('Success');
    expect(wants(9090)).to.equal('Unschedulable');
    expect(wants(9090, '10.0.0.1')).to.equal('Success');
    expect(wants(7070)).to.equal('Success');
  });
});

describe('scheduler score plugins', () => {
  it('SelectorSpread counts peers by owner or service selector and prefers fewer', () => {
    const services: k8s.V1Service[] = [
      { metadata: { name: 's', namespace: 'default' }, spec: { selector: { app: 'web' } } },
    ];
    const pod = makePod('p', { owner: 'rs1', labels: { app: 'web' } });
    const match = selectorSpread.peerMatcher(pod, services)!;
    expect(match(makePod('a', { owner: 'rs1' }))).to.equal(true);
    expect(match(makePod('b', { labels: { app: 'web' } }))).to.equal(true);
    expect(match(makePod('c', { labels: { app: 'db' } }))).to.equal(false);
    expect(match(makePod('d', { owner: 'rs1', namespace: 'other' }))).to.equal(false);
    expect(selectorSpread.peerMatcher(makePod('lone'), services)).to.equal(undefined);
    expect(selectorSpread.normalizeSpread([0, 2, 4])).to.deep.equal([100, 50, 0]);
    expect(selectorSpread.normalizeSpread([0, 0])).to.deep.equal([100, 100]);
  });

  it('LeastAllocated prefers the emptier node, counting non-zero defaults', () => {
    const node = makeNode('n', { cpu: '1', memory: '1Gi' });
    expect(
      leastAllocated.leastAllocatedScore(makePod('p', { cpu: '500m', memory: '512Mi' }), node, {
        milliCpu: 0,
        memory: 0,
      }),
    ).to.equal(50);
    // No requests: 100m and 200Mi count.
    expect(leastAllocated.leastAllocatedScore(makePod('p'), node, { milliCpu: 0, memory: 0 })).to.equal(
      Math.floor((90 + 80) / 2),
    );
    expect(
      leastAllocated.leastAllocatedScore(makePod('p', { cpu: '2' }), node, { milliCpu: 0, memory: 0 }),
    ).to.equal(40);
  });
});
