// Pure logic of the node network: CIDR slicing, the CNI config and guard rules as rendered, CNI
// result and error parsing (the plugin is a fake RunCommand here; the real one runs in @host tests).
import { expect } from 'chai';
import type { RunCommand } from '../../../common/src/exec.ts';
import { silentLogger } from '../../../common/src/log.ts';
import { cidrContains, firstHost, parseCidr, sliceCidr } from '../src/network/cidr.ts';
import { CniError, CniNetwork, parseResult, renderBridgeConfig } from '../src/network/cni.ts';
import { guardChains, renderGuardRules } from '../src/network/guard.ts';
import { bridgeNameFor, NodeNetwork } from '../src/node-network.ts';
import { demultiplex } from '../src/runtime/docker-runtime.ts';

describe('pod CIDR slicing', () => {
  it('gives node i the i-th /24 of the pod range', () => {
    expect(sliceCidr('10.244.0.0/16', 0)).to.equal('10.244.0.0/24');
    expect(sliceCidr('10.244.0.0/16', 7)).to.equal('10.244.7.0/24');
    expect(sliceCidr('10.244.0.0/16', 255)).to.equal('10.244.255.0/24');
    expect(sliceCidr('10.0.0.0/8', 256)).to.equal('10.1.0.0/24');
    expect(firstHost('10.244.7.0/24')).to.equal('10.244.7.1');
  });

  it('rejects what does not fit, naming the value', () => {
    expect(() => sliceCidr('10.244.0.0/16', 256)).to.throw(
      'slice index 256 is outside 10.244.0.0/16, which holds 256 /24 slices',
    );
    expect(() => sliceCidr('10.244.0.0/16', -1)).to.throw('slice index -1');
    expect(() => parseCidr('10.244.1.0/16')).to.throw(
      '"10.244.1.0/16" has host bits set; did you mean 10.244.0.0/16?',
    );
    expect(() => parseCidr('10.244.0.0')).to.throw('is not an IPv4 CIDR');
    expect(() => parseCidr('10.256.0.0/16')).to.throw('is not an IPv4 address');
  });

  it('tells whether an address is inside', () => {
    const c = parseCidr('10.244.3.0/24');
    expect(cidrContains(c, '10.244.3.77')).to.equal(true);
    expect(cidrContains(c, '10.244.4.1')).to.equal(false);
  });
});

describe('node network naming', () => {
  it('derives a stable bridge name of at most 15 characters', () => {
    const name = bridgeNameFor('node-with-a-rather-long-name-1', '10.244.1.0/24');
    expect(name).to.match(/^kcf-[0-9a-f]{8}$/);
    expect(bridgeNameFor('node-with-a-rather-long-name-1', '10.244.1.0/24')).to.equal(name);
    expect(bridgeNameFor('node-2', '10.244.1.0/24')).to.not.equal(name);
  });

  it('rejects a bridge name that is not ours or too long', () => {
    const base = {
      nodeName: 'n',
      nodeIndex: 1,
      stateDir: '/tmp/x',
      runCommand: (() => undefined) as never,
      logger: silentLogger,
    };
    expect(() => new NodeNetwork({ ...base, bridgeName: 'br-foo' })).to.throw('must start with kcf-');
    expect(() => new NodeNetwork({ ...base, bridgeName: 'kcf-0123456789ab' })).to.throw(
      'fit in 15 characters',
    );
    expect(new NodeNetwork({ ...base, bridgeName: 'kcf-1' }).podCidr).to.equal('10.244.1.0/24');
  });
});

describe('CNI bridge config', () => {
  it('renders bridge + host-local for a node, with our own IPAM data dir', () => {
    const config = renderBridgeConfig({
      name: 'kcf-1',
      bridge: 'kcf-1',
      subnet: '10.244.1.0/24',
      gateway: '10.244.1.1',
      ipamDataDir: '/state/cni/kcf-1/ipam',
    });
    expect(config).to.deep.equal({
      cniVersion: '1.0.0',
      name: 'kcf-1',
      type: 'bridge',
      bridge: 'kcf-1',
      isGateway: true,
      ipMasq: false,
      hairpinMode: true,
      ipam: {
        type: 'host-local',
        ranges: [[{ subnet: '10.244.1.0/24', gateway: '10.244.1.1' }]],
        routes: [{ dst: '0.0.0.0/0' }],
        dataDir: '/state/cni/kcf-1/ipam',
      },
    });
  });

  it('picks the sandbox eth0 IPv4 address from a 1.0.0 result, and from a 0.4.0 one', () => {
    const v1 = {
      cniVersion: '1.0.0',
      interfaces: [{ name: 'kcf-1' }, { name: 'veth1' }, { name: 'eth0', sandbox: '/proc/42/ns/net' }],
      ips: [{ address: '10.244.1.5/24', gateway: '10.244.1.1', interface: 2 }],
    };
    expect(parseResult(v1)).to.include({ ip: '10.244.1.5', cidr: '10.244.1.5/24', gateway: '10.244.1.1' });
    const v04 = {
      cniVersion: '0.4.0',
      ips: [{ version: '4', address: '10.244.2.9/24', gateway: '10.244.2.1' }],
    };
    expect(parseResult(v04)).to.include({ ip: '10.244.2.9', gateway: '10.244.2.1' });
    expect(() => parseResult({ cniVersion: '1.0.0', ips: [] })).to.throw('CNI result has no IPv4 address');
  });

  it('turns a plugin JSON error into a CniError carrying its msg and code', async () => {
    const calls: { env: NodeJS.ProcessEnv | undefined; input: string | undefined }[] = [];
    const fakePlugin: RunCommand = async (_cmd, _args, options) => {
      calls.push({ env: options?.env, input: options?.input });
      return { code: 1, stdout: '{"cniVersion":"1.0.0","code":11,"msg":"failed to open netns"}', stderr: '' };
    };
    const network = new CniNetwork({
      config: renderBridgeConfig({
        name: 'n',
        bridge: 'kcf-1',
        subnet: '10.244.1.0/24',
        gateway: '10.244.1.1',
        ipamDataDir: '/x',
      }),
      binDir: '/usr/lib/cni',
      cacheDir: '/nonexistent-cache',
      runCommand: fakePlugin,
      logger: silentLogger,
    });
    const err = await network
      .add({ containerId: 'abc', netns: '/proc/1/ns/net', args: { K8S_POD_NAME: 'p' } })
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(CniError);
    expect((err as CniError).message).to.equal(
      'CNI ADD with plugin bridge failed (code 11): failed to open netns',
    );
    expect(calls[0]!.env).to.include({
      CNI_COMMAND: 'ADD',
      CNI_CONTAINERID: 'abc',
      CNI_NETNS: '/proc/1/ns/net',
      CNI_IFNAME: 'eth0',
      CNI_PATH: '/usr/lib/cni',
      CNI_ARGS: 'IgnoreUnknown=1;K8S_POD_NAME=p',
    });
    expect(JSON.parse(calls[0]!.input!)).to.include({ type: 'bridge', cniVersion: '1.0.0' });
  });
});

describe('network guard rules', () => {
  it('renders REJECTs for the service range and for the pod range off our bridges, then ACCEPTs our bridges', () => {
    const text = renderGuardRules({
      podRange: '10.244.0.0/16',
      serviceRange: '10.96.0.0/16',
      bridgePattern: 'kcf-+',
      name: 'GUARD',
    });
    const reject = '-j REJECT --reject-with icmp-port-unreachable';
    const svc = '-m comment --comment "kconform guard: service range never leaves the host"';
    const pod = '-m comment --comment "kconform guard: pod range only on our bridges"';
    const ours = '-m comment --comment "kconform guard: our bridges"';
    expect(text.split('\n')).to.deep.equal([
      '*filter',
      ':KCONFORM-GUARD-OUT - [0:0]',
      ':KCONFORM-GUARD-FWD - [0:0]',
      '-A KCONFORM-GUARD-OUT -o lo -j RETURN',
      `-A KCONFORM-GUARD-OUT -d 10.96.0.0/16 ${svc} ${reject}`,
      `-A KCONFORM-GUARD-OUT -s 10.244.0.0/16 ! -o kcf-+ ${pod} ${reject}`,
      `-A KCONFORM-GUARD-OUT -d 10.244.0.0/16 ! -o kcf-+ ${pod} ${reject}`,
      `-A KCONFORM-GUARD-FWD -d 10.96.0.0/16 ${svc} ${reject}`,
      `-A KCONFORM-GUARD-FWD -s 10.244.0.0/16 ! -o kcf-+ ${pod} ${reject}`,
      `-A KCONFORM-GUARD-FWD -d 10.244.0.0/16 ! -o kcf-+ ${pod} ${reject}`,
      `-A KCONFORM-GUARD-FWD -i kcf-+ ${ours} -j ACCEPT`,
      `-A KCONFORM-GUARD-FWD -o kcf-+ ${ours} -j ACCEPT`,
      'COMMIT',
      '',
    ]);
  });

  it('keeps chain names ours and within iptables limits', () => {
    expect(guardChains('GUARD')).to.deep.equal({
      output: 'KCONFORM-GUARD-OUT',
      forward: 'KCONFORM-GUARD-FWD',
    });
    expect(() => guardChains('guard')).to.throw('must be upper-case');
    expect(() => guardChains('A'.repeat(16))).to.throw('over 28 characters');
    expect(() =>
      renderGuardRules({
        podRange: '10.244.0.0/16',
        serviceRange: '10.96.0.1/16',
        bridgePattern: 'kcf-+',
        name: 'G',
      }),
    ).to.throw('host bits set');
  });
});

describe('Docker stream demultiplexing', () => {
  it('splits stdout and stderr frames', () => {
    const frame = (type: number, text: string): Buffer => {
      const header = Buffer.alloc(8);
      header[0] = type;
      header.writeUInt32BE(Buffer.byteLength(text), 4);
      return Buffer.concat([header, Buffer.from(text)]);
    };
    const out = demultiplex(Buffer.concat([frame(1, 'a\n'), frame(2, 'oops\n'), frame(1, 'b\n')]));
    expect(out).to.deep.equal({ stdout: 'a\nb\n', stderr: 'oops\n', combined: 'a\noops\nb\n' });
  });
});
