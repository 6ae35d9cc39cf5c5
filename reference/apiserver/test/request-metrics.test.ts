// The apiserver's request metrics, written through common/src/metrics.ts, as upstream names them.
import { expect } from 'chai';
import { RequestMetrics } from '../src/http/metrics.ts';

describe('apiserver request metrics', () => {
  it('keeps the apiserver’s request metrics as upstream names them', () => {
    const metrics = new RequestMetrics();
    const base = { group: '', version: 'v1', resource: 'pods', subresource: '' };
    metrics.record({ ...base, verb: 'GET', code: 200, seconds: 0.003 });
    metrics.record({ ...base, verb: 'WATCH', code: 200, seconds: 30 });
    const lines = metrics.render().split('\n');
    expect(lines).to.include.members([
      '# TYPE apiserver_request_total counter',
      'apiserver_request_total{verb="GET",group="",version="v1",resource="pods",subresource="",code="200"} 1',
      'apiserver_request_total{verb="WATCH",group="",version="v1",resource="pods",subresource="",code="200"} 1',
      'apiserver_request_duration_seconds_bucket{verb="GET",group="",version="v1",resource="pods",subresource="",le="0.005"} 1',
      'apiserver_request_duration_seconds_count{verb="GET",group="",version="v1",resource="pods",subresource=""} 1',
    ]);
    // a watch's lifetime is no latency
    expect(lines.some((l) => l.startsWith('apiserver_request_duration_seconds_count{verb="WATCH"'))).to.equal(
      false,
    );
  });
});
