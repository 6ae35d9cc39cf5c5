import Docker from 'dockerode';
import { runCommand } from '../../../common/src/exec.ts';
import { KconformError } from '../../../common/src/errors.ts';
import { hostChecks } from '../host/checks.ts';
import { formatReport, runDoctor } from '../host/doctor.ts';
import type { Command } from './command.ts';

export const doctorCommand: Command = {
  name: 'doctor',
  summary:
    'Check that this host has what kconform needs (root, Debian packages, CNI plugins, a running\n' +
    'Docker engine, the fixture images) and say exactly what is missing. With --fix, install and\n' +
    'start what is missing; a second --fix on a ready host changes nothing.',
  options: {
    fix: { type: 'boolean', description: 'install packages, start dockerd and build images as needed' },
  },
  async run(options, io) {
    const checks = hostChecks({
      run: runCommand,
      docker: new Docker(),
      log: io.log.child({ component: 'doctor' }),
      uid: process.getuid?.() ?? -1,
      nodeVersion: process.version,
    });
    const outcome = await runDoctor(checks, {
      fix: options.fix === true,
      onReport: (report) => io.out(formatReport(report)),
    });
    if (!outcome.ready) {
      const missing = outcome.reports.filter((r) => r.status === 'missing' || r.status === 'failed-fix');
      throw new KconformError(
        'HOST_NOT_READY',
        { missing: missing.map((r) => r.name).join(', ') },
        {
          hint: options.fix
            ? 'see the lines above for what to do by hand'
            : 'run kconform doctor --fix as root',
        },
      );
    }
    io.out(
      outcome.changes === 0
        ? 'host ready: nothing to change'
        : `host ready: ${outcome.changes} change(s) made`,
    );
    return 0;
  },
};
