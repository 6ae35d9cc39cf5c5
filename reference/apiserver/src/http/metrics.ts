// Request metrics in the Prometheus text format, named as upstream's apiserver names them:
// apiserver_request_total{verb,group,version,resource,subresource,code} and the
// apiserver_request_duration_seconds histogram (watches excluded from latency, as upstream does).

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

interface Histogram {
  labels: string;
  counts: number[];
  sum: number;
  count: number;
}

const labelText = (labels: Record<string, string>): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
    .join(',');

export class RequestMetrics {
  private readonly totals = new Map<string, number>();
  private readonly durations = new Map<string, Histogram>();

  record(sample: RequestSample): void {
    const base = {
      verb: sample.verb,
      group: sample.group,
      version: sample.version,
      resource: sample.resource,
      subresource: sample.subresource,
    };
    const totalKey = labelText({ ...base, code: String(sample.code) });
    this.totals.set(totalKey, (this.totals.get(totalKey) ?? 0) + 1);
    if (sample.verb === 'WATCH') return; // a watch's duration is its lifetime, not a latency
    const key = labelText(base);
    let h = this.durations.get(key);
    if (!h) {
      h = { labels: key, counts: DURATION_BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.durations.set(key, h);
    }
    DURATION_BUCKETS.forEach((le, i) => {
      if (sample.seconds <= le) h.counts[i]!++;
    });
    h.sum += sample.seconds;
    h.count++;
  }

  /** The exposition text served at /metrics. */
  render(): string {
    const lines = [
      '# HELP apiserver_request_total Counter of apiserver requests broken out for each verb, API resource and HTTP response code.',
      '# TYPE apiserver_request_total counter',
    ];
    for (const [labels, value] of [...this.totals].sort())
      lines.push(`apiserver_request_total{${labels}} ${value}`);
    lines.push(
      '# HELP apiserver_request_duration_seconds Response latency distribution in seconds for each verb, group, version, resource and subresource.',
      '# TYPE apiserver_request_duration_seconds histogram',
    );
    for (const h of [...this.durations.values()].sort((a, b) => a.labels.localeCompare(b.labels))) {
      DURATION_BUCKETS.forEach((le, i) =>
        lines.push(`apiserver_request_duration_seconds_bucket{${h.labels},le="${le}"} ${h.counts[i]}`),
      );
      lines.push(`apiserver_request_duration_seconds_bucket{${h.labels},le="+Inf"} ${h.count}`);
      lines.push(`apiserver_request_duration_seconds_sum{${h.labels}} ${h.sum}`);
      lines.push(`apiserver_request_duration_seconds_count{${h.labels}} ${h.count}`);
    }
    return lines.join('\n') + '\n';
  }
}
