// @host: DockerRuntime against the real Docker 20.10 engine, and the real bridge plugin's errors.
// No network at all here: every container runs with network mode `none`.
import { expect } from 'chai';
import { CniError } from '../src/network/cni.ts';
import {
  LABEL_CONTAINER_NAME,
  LABEL_MANAGED,
  LABEL_NODE,
  LABEL_POD_UID,
  podContainerLabels,
} from '../src/runtime/container-runtime.ts';
import { DockerRuntime } from '../src/runtime/docker-runtime.ts';
import { HostTestBed, RUN_ID } from './support/host-node.ts';

describe('DockerRuntime on the Docker engine @host', function () {
  this.timeout(60_000);
  const bed = new HostTestBed();
  const pod = { uid: `${RUN_ID}-rt`, name: 'rt', namespace: 'kcf-test' };

  before(() => bed.setUp());
  after(() => bed.tearDown());

  it('creates a labelled container, runs it, and reports logs, exit code and status', async () => {
    const node = await bed.addNode(0);
    const id = await node.runtime.create({
      image: bed.images.busybox,
      cmd: ['sh', '-c', 'echo out; echo err >&2; exit 3'],
      labels: podContainerLabels(pod, 'job'),
      networkMode: 'none',
    });
    const created = await node.runtime.inspect(id);
    expect(created?.state).to.equal('created');
    expect(created?.labels).to.include({
      [LABEL_MANAGED]: 'true',
      [LABEL_NODE]: node.name,
      [LABEL_POD_UID]: pod.uid,
      [LABEL_CONTAINER_NAME]: 'job',
      'io.kconform.pod-name': 'rt',
      'io.kconform.pod-namespace': 'kcf-test',
    });
    await node.runtime.start(id);
    expect(await node.runtime.wait(id)).to.equal(3);
    const done = await node.runtime.inspect(id);
    expect(done).to.include({ state: 'exited', exitCode: 3, pid: 0 });
    expect(done?.finishedAt).to.be.a('string');
    // stdout and stderr are separate pipes: the engine keeps each in order, not their interleaving.
    const lines = (await node.runtime.logs(id)).split('\n').filter(Boolean).sort();
    expect(lines).to.deep.equal(['err', 'out']);
  });

  it('execs in a running container with separate stdout, stderr and exit code', async () => {
    const node = bed.nodes[0]!;
    const id = await node.runtime.create({
      image: bed.images.busybox,
      cmd: ['sleep', '600'],
      labels: podContainerLabels(pod, 'sleeper'),
      networkMode: 'none',
    });
    await node.runtime.start(id);
    await node.runtime.start(id); // already running: not an error
    const r = await node.runtime.exec(id, ['sh', '-c', 'echo hi; echo bad >&2; exit 4'], {
      timeoutMs: 10_000,
    });
    expect(r).to.deep.equal({ exitCode: 4, stdout: 'hi\n', stderr: 'bad\n' });
    const slow = await node.runtime
      .exec(id, ['sleep', '30'], { timeoutMs: 300 })
      .catch((e: unknown) => (e as Error).message);
    expect(slow).to.match(/not done after 300 ms/);
  });

  it('lists only this node’s containers, by labels, and a second runtime for the node sees the same', async () => {
    const node = bed.nodes[0]!;
    const other = new DockerRuntime({
      docker: bed.docker,
      logger: bed.logger,
      nodeName: `${node.name}-other`,
    });
    expect(await other.list()).to.deep.equal([]);
    const again = new DockerRuntime({ docker: bed.docker, logger: bed.logger, nodeName: node.name });
    const names = (await again.list({ [LABEL_POD_UID]: pod.uid }))
      .map((c) => c.labels[LABEL_CONTAINER_NAME])
      .sort();
    expect(names).to.deep.equal(['job', 'sleeper']);
    expect(await again.list({ [LABEL_CONTAINER_NAME]: 'sleeper' })).to.have.length(1);
  });

  it('stop and remove are idempotent; a removed container inspects as undefined', async () => {
    const node = bed.nodes[0]!;
    const [sleeper] = await node.runtime.list({ [LABEL_CONTAINER_NAME]: 'sleeper' });
    await node.runtime.stop(sleeper!.id, 1);
    await node.runtime.stop(sleeper!.id, 1);
    await node.runtime.remove(sleeper!.id);
    await node.runtime.remove(sleeper!.id);
    expect(await node.runtime.inspect(sleeper!.id)).to.equal(undefined);
    expect(await node.runtime.hasImage(bed.images.busybox)).to.equal(true);
    expect(await node.runtime.hasImage('kconform/no-such-image:0')).to.equal(false);
  });

  it('reports the real bridge plugin error message for a namespace that does not exist', async () => {
    const node = bed.nodes[0]!;
    const err = await node.network.cni
      .add({ containerId: `${RUN_ID}-nons`, netns: '/proc/999999999/ns/net' })
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(CniError);
    expect((err as CniError).message).to.match(/^CNI ADD with plugin bridge failed.*netns/);
    // DEL for a container that never got an address is a success (nothing to release).
    await node.network.cni.del({ containerId: `${RUN_ID}-nons`, netns: '' });
  });

  it('leaves nothing of this run on the host', async () => {
    await bed.tearDown();
    expect(await bed.leftovers()).to.deep.equal({
      containers: [],
      bridges: [],
      vethsOnOurBridges: [],
      rules: [],
      netns: [],
      stateDir: [],
    });
  });
});
