// The verbs that drive a reference cluster and the suite. `up` and `down` run the reference
// cluster (reference/cluster); `run` runs the conformance suite (harness/src/run) against the
// reference, started for the run, or against the cluster of a kubeconfig.
import { KconformError } from '../../../common/src/errors.ts';
import { nonEmpty, oneOf, positiveInt, regex } from '../args.ts';
import { resolve } from 'node:path';
import Docker from 'dockerode';
import { runCommand } from '../../../common/src/exec.ts';
import { clusterDown, clusterUp } from '../../../reference/cluster/src/cluster.ts';
import { hostChecks } from '../host/checks.ts';
import { formatReport, runDoctor } from '../host/doctor.ts';
import { runConformance } from '../run/run.ts';
import type { Command, CommandIO } from './command.ts';

/** The set-up `up` needs, done when missing (same checks and fixes as `kconform doctor --fix`). */
async function prepareHost(io: CommandIO): Promise<void> {
  const checks = hostChecks({
    run: runCommand,
    docker: new Docker(),
    log: io.log.child({ component: 'doctor' }),
    uid: process.getuid?.() ?? -1,
    nodeVersion: process.version,
  });
  const outcome = await runDoctor(checks, { fix: true });
  for (const report of outcome.reports) if (report.status !== 'ok') io.out(formatReport(report));
  if (!outcome.ready) {
    throw new KconformError(
      'HOST_NOT_READY',
      {
        missing: outcome.reports
          .filter((r) => r.status !== 'ok' && r.status !== 'fixed')
          .map((r) => r.name)
          .join(', '),
      },
      { hint: 'kconform doctor' },
    );
  }
}

const STATE_DIR = {
  type: 'string',
  value: 'DIR',
  description: 'where the cluster keeps its state and kubeconfig',
  default: '.kconform',
  validate: nonEmpty,
} as const;

export const upCommand: Command = {
  name: 'up',
  summary:
    'Start a reference cluster in the background (store, apiserver, scheduler, controller-manager,\n' +
    'kubelets) and return when every node is Ready. The last line printed is the kubeconfig path.',
  options: {
    nodes: {
      type: 'string',
      value: 'N',
      description: 'number of kubelets (nodes)',
      default: '2',
      validate: positiveInt(16),
    },
    store: {
      type: 'string',
      value: 'embedded|etcd',
      description: 'store backend of the apiserver',
      default: 'embedded',
      validate: oneOf('embedded', 'etcd'),
    },
    'state-dir': STATE_DIR,
  },
  async run(options, io) {
    await prepareHost(io);
    const kubeconfig = await clusterUp({
      stateDir: resolve(io.cwd, String(options['state-dir'])),
      nodes: Number(options.nodes),
      store: options.store as 'embedded' | 'etcd',
      log: io.log.child({ component: 'cluster' }),
      progress: io.out,
    });
    io.out(kubeconfig); // the last line, for scripts: KUBECONFIG=$(kconform up | tail -1)
    return 0;
  },
};

export const downCommand: Command = {
  name: 'down',
  summary: 'Stop the reference cluster started by `kconform up` and leave the host as it found it.',
  options: { 'state-dir': STATE_DIR },
  async run(options, io) {
    const stateDir = resolve(io.cwd, String(options['state-dir']));
    const stopped = await clusterDown({
      stateDir,
      log: io.log.child({ component: 'cluster' }),
      progress: io.out,
    });
    io.out(
      stopped
        ? `cluster in ${stateDir} stopped and removed`
        : `no cluster running from ${stateDir}: nothing to do`,
    );
    return 0;
  },
};

export const runCommandVerb: Command = {
  name: 'run',
  summary:
    'Run the conformance suite. Without --kubeconfig, start the reference cluster for the run and\n' +
    'stop it afterwards. Exit code 0 only when every MUST requirement that ran passed.',
  options: {
    kubeconfig: {
      type: 'string',
      value: 'FILE',
      description: 'target this cluster instead of the reference',
      validate: nonEmpty,
    },
    focus: {
      type: 'string',
      value: 'RE',
      description: 'run only specs whose id or area matches',
      validate: regex,
    },
    skip: {
      type: 'string',
      value: 'RE',
      description: 'leave out specs whose id or area matches',
      validate: regex,
    },
    list: { type: 'boolean', description: 'print what would run, and why the rest would not, then exit' },
    parallel: {
      type: 'string',
      value: 'N',
      description: 'test files run at once',
      default: '1',
      validate: positiveInt(32),
    },
    'report-dir': {
      type: 'string',
      value: 'DIR',
      description: 'where the JSON, TAP, JUnit and Markdown reports go',
      default: 'kconform-results',
      validate: nonEmpty,
    },
    strict: { type: 'boolean', description: 'a failed SHOULD spec fails the run too (otherwise a warning)' },
  },
  run: (options, io) =>
    runConformance(
      {
        kubeconfig: options.kubeconfig as string | undefined,
        focus: options.focus as string | undefined,
        skip: options.skip as string | undefined,
        list: options.list === true,
        parallel: Number(options.parallel),
        reportDir: String(options['report-dir']),
        strict: options.strict === true,
      },
      io,
      { prepareHost: () => prepareHost(io), clusterUp, clusterDown },
    ),
};
