// The verbs that drive a reference cluster and the suite. Their arguments are final, so scripts
// can be written against them now; their machinery (the reference apiserver, kubelet and the
// suite runner) is not built yet, and until it is they say so instead of pretending.
import { KconformError } from '../../../common/src/errors.ts';
import { nonEmpty, oneOf, positiveInt, regex } from '../args.ts';
import type { Command } from './command.ts';

const STATE_DIR = {
  type: 'string',
  value: 'DIR',
  description: 'where the cluster keeps its state and kubeconfig',
  default: '.kconform',
  validate: nonEmpty,
} as const;

const notYet = (verb: string, why: string): never => {
  throw new KconformError(
    'NOT_IMPLEMENTED',
    { what: `kconform ${verb}`, why },
    { hint: 'kconform doctor prepares the host meanwhile; see README.md for what works today' },
  );
};

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
  run: async () => notYet('up', 'the reference apiserver and kubelet are not built yet'),
};

export const downCommand: Command = {
  name: 'down',
  summary: 'Stop the reference cluster started by `kconform up` and leave the host as it found it.',
  options: { 'state-dir': STATE_DIR },
  run: async () => notYet('down', 'there is no reference cluster to stop yet'),
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
      description: 'where TAP, JUnit, JSON and HTML reports go',
      default: 'kconform-results',
      validate: nonEmpty,
    },
  },
  run: async () => notYet('run', 'the conformance suite and its runner are not built yet'),
};
