// The Prometheus text writer: families, label escaping, cumulative buckets, process gauges.
import { expect } from 'chai';
import { MetricsRegistry, formatValue, registerProcessMetrics } from '../src/metrics.ts';

describe('metrics: Prometheus text format', () => {
  it('writes counters and gauges with HELP and TYPE, series sorted, labels escaped', () => {
    const registry = new MetricsRegistry();
    const requests = registry.counter('demo_requests_total', 'Requests.\nTwo lines.', ['path']);
    const up = registry.gauge('demo_up', 'Whether it is up.');
    requests.inc({ path: '/b' });
    requests.inc({ path: '/a"q\\' }, 2);
    requests.inc({ path: '/b' });
    up.set({}, 1);
    expect(registry.render()).to.equal(
      [
        '# HELP demo_requests_total Requests.\\nTwo lines.',
        '# TYPE demo_requests_total counter',
        'demo_requests_total{path="/a\\"q\\\\"} 2',
        'demo_requests_total{path="/b"} 2',
        '# HELP demo_up Whether it is up.',
        '# TYPE demo_up gauge',
        'demo_up 1',
        '',
      ].join('\n'),
    );
  });

  it('counts histogram observations into cumulative buckets with +Inf, sum and count', () => {
    const registry = new MetricsRegistry();
    const h = registry.histogram('demo_seconds', 'Durations.', ['op'], [0.5, 1, 2.5]);
    for (const v of [0.2, 0.7, 3]) h.observe({ op: 'x' }, v);
    expect(registry.render().split('\n')).to.include.members([
      'demo_seconds_bucket{op="x",le="0.5"} 1',
      'demo_seconds_bucket{op="x",le="1"} 2',
      'demo_seconds_bucket{op="x",le="2.5"} 2',
      'demo_seconds_bucket{op="x",le="+Inf"} 3',
      'demo_seconds_sum{op="x"} 3.9',
      'demo_seconds_count{op="x"} 3',
    ]);
    expect(h.count({ op: 'x' })).to.equal(3);
  });

  it('refuses what Prometheus would not take', () => {
    const registry = new MetricsRegistry();
    const c = registry.counter('demo_total', 'x', ['a']);
    expect(() => c.inc({ b: '1' })).to.throw('metrics: demo_total has no label "b" (labels: a)');
    expect(() => c.inc({ a: '1' }, -1)).to.throw('cannot go down');
    expect(() => registry.counter('demo_total', 'again')).to.throw('registered twice');
    expect(() => registry.gauge('bad-name', 'x')).to.throw('is not a metric name');
    expect(() => registry.histogram('demo_h', 'x', [], [2, 1])).to.throw('must increase');
    expect(formatValue(Infinity)).to.equal('+Inf');
  });

  it('reads the process gauges when scraped', () => {
    const registry = new MetricsRegistry();
    registerProcessMetrics(registry, () => 7);
    const text = registry.render();
    expect(text).to.match(/^process_resident_memory_bytes [1-9]\d*$/m);
    expect(text).to.match(/^process_open_fds 7$/m);
    expect(text).to.match(/^process_cpu_seconds_total \d/m);
    const start = Number(/^process_start_time_seconds (\d+)$/m.exec(text)?.[1]);
    expect(start).to.be.within(Date.now() / 1000 - 3600, Date.now() / 1000);
  });
});
