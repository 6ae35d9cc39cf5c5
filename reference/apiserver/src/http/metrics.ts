// Request metrics in the Prometheus text format, named as upstream's apiserver names them:
// apiserver_request_total{verb,group,version,resource,subresource,code} and the
// apiserver_request_duration_seconds histogram (watches excluded from latency, as upstream does).
// The exposition format itself is common/src/metrics.ts.
import { MetricsRegistry, type Counter, type Histogram } from '../../../../common/src/metrics.ts';

export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 5, 10, 30, 60];

export interface RequestSample {
  verb: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  code: number;
  seconds: number;
}

const BASE_LABELS = ['verb', 'group', 'version', 'resource', 'subresource'] as const;

export class RequestMetrics {
  private readonly registry = new MetricsRegistry();
  private readonly totals: Counter = this.registry.counter(
    'apiserver_request_total',
    'Counter of apiserver requests broken out for each verb, API resource and HTTP response code.',
    [...BASE_LABELS, 'code'],
  );
  private readonly durations: Histogram = this.registry.histogram(
    'apiserver_request_duration_seconds',
    'Response latency distribution in seconds for each verb, group, version, resource and subresource.',
    BASE_LABELS,
    DURATION_BUCKETS,
  );

  record(sample: RequestSample): void {
    const base = {
      verb: sample.verb,
      group: sample.group,
      version: sample.version,
      resource: sample.resource,
      subresource: sample.subresource,
    };
    this.totals.inc({ ...base, code: String(sample.code) });
    if (sample.verb === 'WATCH') return; // a watch's duration is its lifetime, not a latency
    this.durations.observe(base, sample.seconds);
  }

  /** The exposition text served at /metrics. */
  render(): string {
    return this.registry.render();
  }
}
