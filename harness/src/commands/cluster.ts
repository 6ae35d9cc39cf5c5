// The verbs that drive a reference cluster and the suite. `up` and `down` run the reference
// cluster (reference/cluster); `run` runs the conformance suite (harness/src/run) against the
// reference, started for the run, or against the cluster of a kubeconfig.
import { KconformError } from '../../../common/src/errors.ts';
import { featureList, nonEmpty, oneOf, positiveInt, positiveNumber, regex, wholeNumber } from '../args.ts';
import { resolve } from 'node:path';
import Docker from 'dockerode';
import { runCommand } from '../../../common/src/exec.ts';
import { clusterDown, clusterUp } from '../../../reference/cluster/src/cluster.ts';
import { hostChecks } from '../host/checks.ts';
import { formatReport, runDoctor } from '../host/doctor.ts';
import { MODES, type Mode } from '../run/plan.ts';
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
    'stop it afterwards. Exit code 0 only when every stable MUST requirement that ran passed.\n' +
    'Modes: quick (a smoke subset, about a minute), default (everything not tagged disruptive),\n' +
    'certify (every spec of the declared features; provisional ones run but never count).',
  options: {
    kubeconfig: {
      type: 'string',
      value: 'FILE',
      description: 'target this cluster instead of the reference',
      validate: nonEmpty,
    },
    context: {
      type: 'string',
      value: 'NAME',
      description: 'use this context of the kubeconfig instead of its current one',
      validate: nonEmpty,
    },
    mode: {
      type: 'string',
      value: 'MODE',
      description: `which specs: ${MODES.join(', ')}`,
      default: 'default',
      validate: oneOf(...MODES),
    },
    features: {
      type: 'string',
      value: 'A,B',
      description: 'optional features the target supports (the rest are skipped, never failed)',
      validate: featureList,
    },
    profile: {
      type: 'string',
      value: 'FILE',
      description: 'a target profile (YAML or JSON): features, images, skip list',
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
    'rerun-failed': {
      type: 'string',
      value: 'FILE',
      description: 'run only the specs that failed in this results.json',
      validate: nonEmpty,
    },
    list: { type: 'boolean', description: 'print what would run, and why the rest would not, then exit' },
    parallel: {
      type: 'string',
      value: 'N',
      description: 'test files run at once (specs tagged serial or disruptive still run alone)',
      default: '1',
      validate: positiveInt(32),
    },
    retries: {
      type: 'string',
      value: 'N',
      description: 'retry a failed test up to N times; one that then passes is reported flaky',
      default: '0',
      validate: wholeNumber(5),
    },
    'timeout-scale': {
      type: 'string',
      value: 'F',
      description: "multiply every spec's timeout by F (for a slow cluster)",
      default: '1',
      validate: positiveNumber(100),
    },
    'report-dir': {
      type: 'string',
      value: 'DIR',
      description: 'where the JSON, TAP, JUnit, Markdown and HTML reports go',
      default: 'kconform-results',
      validate: nonEmpty,
    },
    events: {
      type: 'string',
      value: 'FILE',
      description: 'write one JSON line per test start and end to FILE as the run goes',
      validate: nonEmpty,
    },
    strict: { type: 'boolean', description: 'a failed SHOULD spec fails the run too (otherwise a warning)' },
  },
  run: (options, io) =>
    runConformance(
      {
        kubeconfig: options.kubeconfig as string | undefined,
        context: options.context as string | undefined,
        mode: options.mode as Mode,
        features: options.features as string | undefined,
        profile: options.profile as string | undefined,
        focus: options.focus as string | undefined,
        skip: options.skip as string | undefined,
        rerunFailed: options['rerun-failed'] as string | undefined,
        list: options.list === true,
        parallel: Number(options.parallel),
        retries: Number(options.retries),
        timeoutScale: Number(options['timeout-scale']),
        reportDir: String(options['report-dir']),
        events: options.events as string | undefined,
        strict: options.strict === true,
      },
      io,
      { prepareHost: () => prepareHost(io), clusterUp, clusterDown },
    ),
};
