// The DefaultTolerationSeconds admission: which pods get the not-ready and unreachable NoExecute
// tolerations, and the apiserver flags that set their seconds (run as the real process).
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsxArgs } from '../../../../common/src/tsx.ts';
import { addDefaultTolerations } from '../../src/validation/default-toleration-seconds.ts';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const seconds = { notReady: 300, unreachable: 300 };
const pod = (tolerations?: unknown[]) => ({
  metadata: { name: 'p' },
  spec: { containers: [], ...(tolerations ? { tolerations } : {}) },
});
const tolerationsOf = (p: unknown) =>
  ((p as { spec: { tolerations?: unknown[] } }).spec.tolerations ?? []) as unknown[];

describe('apiserver: DefaultTolerationSeconds admission', () => {
  it('adds both NoExecute tolerations with the configured seconds, never mutating the input', () => {
    const input = pod();
    const out = addDefaultTolerations(input, { notReady: 30, unreachable: 40 });
    expect(tolerationsOf(out)).to.deep.equal([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 40,
      },
    ]);
    expect(input.spec).to.not.have.property('tolerations');
  });

  it('keeps a pod that already tolerates a taint (by key, by empty key, or with an empty effect) as it is', () => {
    const own = {
      key: 'node.kubernetes.io/unreachable',
      operator: 'Exists',
      effect: 'NoExecute',
      tolerationSeconds: 5,
    };
    expect(tolerationsOf(addDefaultTolerations(pod([own]), seconds))).to.deep.equal([
      own,
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
    ]);
    const everything = [{ operator: 'Exists' }];
    expect(tolerationsOf(addDefaultTolerations(pod(everything), seconds))).to.deep.equal(everything);
    const anyEffect = [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists' },
    ];
    expect(tolerationsOf(addDefaultTolerations(pod(anyEffect), seconds))).to.deep.equal(anyEffect);
    const noSchedule = [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule' }];
    expect(tolerationsOf(addDefaultTolerations(pod(noSchedule), seconds))).to.have.length(3);
  });

  it('refuses a flag value that is not a whole number of seconds', async function () {
    this.timeout(30_000);
    const dir = mkdtempSync(join(tmpdir(), 'kconform-apiserver-flags-'));
    try {
      const child = spawn(
        process.execPath,
        [...tsxArgs(MAIN), '--data-dir', dir, '--default-unreachable-toleration-seconds', 'soon'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).to.equal(2);
      expect(stderr.trim()).to.equal(
        'kconform-apiserver: --default-unreachable-toleration-seconds: "soon" is not a whole number of seconds',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives created pods the seconds set by --default-*-toleration-seconds', async function () {
    this.timeout(30_000);
    const dir = mkdtempSync(join(tmpdir(), 'kconform-apiserver-flags-'));
    const child = spawn(
      process.execPath,
      [
        ...tsxArgs(MAIN),
        '--data-dir',
        dir,
        '--default-not-ready-toleration-seconds',
        '7',
        '--default-unreachable-toleration-seconds',
        '9',
      ],
      { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, KCONFORM_LOG: 'silent' } },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /listening on (\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('close', (code) => reject(new Error(`apiserver exited with ${code}`)));
      });
      const res = await fetch(`${url}/api/v1/namespaces/default/pods`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          metadata: { name: 'p' },
          spec: { containers: [{ name: 'c', image: 'busybox' }] },
        }),
      });
      expect(res.status).to.equal(201);
      const created = (await res.json()) as {
        spec: { tolerations: Array<{ key: string; tolerationSeconds: number }> };
      };
      expect(created.spec.tolerations.map((t) => [t.key, t.tolerationSeconds])).to.deep.equal([
        ['node.kubernetes.io/not-ready', 7],
        ['node.kubernetes.io/unreachable', 9],
      ]);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.on('close', resolve)));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
