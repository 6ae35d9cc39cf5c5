// The kubelet API's and the pod proxy's pure parts: the containerLogs query, the exec exit
// Status, and upstream's container choice and messages.
import { expect } from 'chai';
import { parseLogQuery } from '../src/api/container-logs.ts';
import { exitStatus, parseTerminalSize } from '../src/api/exec-channel.ts';
import { kubeletError, podContainer } from '../../apiserver/src/http/pod-proxy.ts';
import type { ApiObject } from '../../apiserver/src/registry/objects.ts';

const pod = (...names: string[]): ApiObject => ({
  metadata: { name: 'web' },
  spec: { containers: names.map((name) => ({ name })) },
});

describe('kubelet API: logs query, exec status, container choice', () => {
  it('reads a resize message with its keys in any case, as Go decodes it, and refuses the rest', () => {
    expect(parseTerminalSize('{"Width":100,"Height":40}')).to.deep.equal({ width: 100, height: 40 });
    expect(parseTerminalSize('{"width":80,"height":24}')).to.deep.equal({ width: 80, height: 24 });
    for (const bad of [
      '{"Width":0,"Height":40}',
      '{"Width":"1","Height":2}',
      '{"Width":1}',
      'null',
      '[1,2]',
      '{',
    ])
      expect(parseTerminalSize(bad), bad).to.equal(undefined);
  });

  it('parses the containerLogs query as the kubelet takes it', () => {
    const now = new Date('2026-01-01T00:00:10Z');
    const q = (text: string) => parseLogQuery(new URLSearchParams(text), now);
    expect(q('follow=true&tailLines=2&timestamps=true&limitBytes=5')).to.deep.equal({
      follow: true,
      previous: false,
      timestamps: true,
      tail: 2,
      limitBytes: 5,
    });
    expect(q('sinceSeconds=10').since).to.equal(Date.parse('2026-01-01T00:00:00Z') / 1000);
    expect(q('sinceTime=2026-01-01T00:00:05Z').since).to.equal(Date.parse('2026-01-01T00:00:05Z') / 1000);
    expect(() => q('tailLines=-1')).to.throw(
      'tailLines: invalid value "-1": must be a whole number of at least 0',
    );
    expect(() => q('sinceSeconds=1&sinceTime=2026-01-01T00:00:05Z')).to.throw(
      'at most one of `sinceTime` or `sinceSeconds` may be specified',
    );
  });

  it('reports an exit code as upstream’s NonZeroExitCode Status', () => {
    expect(exitStatus(['true'], 0)).to.deep.equal({ metadata: {}, status: 'Success' });
    expect(exitStatus(['sh', '-c', 'exit 3'], 3)).to.deep.include({
      status: 'Failure',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
  });

  it('chooses the container as upstream’s validateContainer does', () => {
    expect(podContainer(pod('main'), null)).to.equal('main');
    expect(podContainer(pod('a', 'b'), 'b')).to.equal('b');
    expect(() => podContainer(pod('a', 'b'), null)).to.throw(
      'a container name must be specified for pod web, choose one of: [a b]',
    );
    expect(() => podContainer(pod('a'), 'c')).to.throw('container c is not valid for pod web');
  });

  it('turns a kubelet refusal into a Status', () => {
    expect(
      kubeletError(400, 'previous terminated container "a" in pod "b" not found\n').status,
    ).to.deep.include({
      code: 400,
      reason: 'BadRequest',
      message: 'previous terminated container "a" in pod "b" not found',
    });
    expect(kubeletError(500, 'boom').status).to.deep.include({ code: 500, reason: 'InternalError' });
  });
});
