import { expect } from 'chai';
import { createLogger, levelFromEnv } from '../src/log.ts';

describe('logger', () => {
  const fixedNow = () => new Date('2026-01-02T03:04:05.000Z');

  it('writes one JSON object per record with time, level, fields and message', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', sink: (l) => lines.push(l), now: fixedNow });
    log.info('pod started', { pod: 'ns/web' });
    expect(lines).to.have.length(1);
    expect(JSON.parse(lines[0]!)).to.deep.equal({
      time: '2026-01-02T03:04:05.000Z',
      level: 'info',
      msg: 'pod started',
      pod: 'ns/web',
    });
  });

  it('is quiet by default: only warnings and errors pass', () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l) });
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(lines.map((l) => JSON.parse(l).msg)).to.deep.equal(['w', 'e']);
  });

  it('child loggers add their fields to every record and keep the level', () => {
    const lines: string[] = [];
    const log = createLogger({
      level: 'info',
      sink: (l) => lines.push(l),
      now: fixedNow,
      fields: { verb: 'up' },
    });
    const kubelet = log.child({ component: 'kubelet', node: 'n1' });
    kubelet.debug('hidden');
    kubelet.info('registered');
    expect(JSON.parse(lines[0]!)).to.include({
      verb: 'up',
      component: 'kubelet',
      node: 'n1',
      msg: 'registered',
    });
    expect(lines).to.have.length(1);
  });

  it('serialises errors with name, message and code', () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l) });
    const err = Object.assign(new Error('boom'), { code: 'EPIPE' });
    log.error('write failed', { err });
    expect(JSON.parse(lines[0]!).err).to.deep.equal({ name: 'Error', message: 'boom', code: 'EPIPE' });
  });

  it('takes its level from KCONFORM_LOG and rejects an unknown one', () => {
    expect(levelFromEnv({})).to.equal('warn');
    expect(levelFromEnv({ KCONFORM_LOG: 'debug' })).to.equal('debug');
    expect(() => levelFromEnv({ KCONFORM_LOG: 'loud' })).to.throw(
      'KCONFORM_LOG=loud is not a log level; use one of debug, info, warn, error, silent',
    );
  });
});
