// A small metrics registry that writes the Prometheus text exposition format (version 0.0.4), as
// Kubernetes components serve it at /metrics: counters, gauges and histograms with labels, each
// family with its # HELP and # TYPE lines. Histogram buckets are cumulative and end with
// le="+Inf", as Prometheus' client does. No module-level registry: each component makes its own.

/** The content type /metrics answers with. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** prometheus.DefBuckets (component-base's `metrics.DefBuckets`). */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type Labels = Record<string, string>;

const escapeValue = (v: string): string =>
  v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const escapeHelp = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

/** `a="x",b="y"` in the family's label order (the key a series is kept under). */
function labelText(names: readonly string[], labels: Labels): string {
  return names.map((n) => `${n}="${escapeValue(labels[n] ?? '')}"`).join(',');
}

/** A sample value as Prometheus prints it (integers without a fraction, infinities as ±Inf). */
export function formatValue(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (Number.isNaN(value)) return 'NaN';
  return String(value);
}

const series = (name: string, labels: string, value: number): string =>
  `${name}${labels ? `{${labels}}` : ''} ${formatValue(value)}`;

/** A family's series (label text → value), in the order they are rendered. */
const sortedByLabels = <V>(values: ReadonlyMap<string, V>): Array<[string, V]> =>
  [...values].sort(([a], [b]) => a.localeCompare(b));

abstract class Family {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`metrics: "${name}" is not a metric name`);
  }

  abstract readonly type: 'counter' | 'gauge' | 'histogram';

  protected key(labels: Labels): string {
    for (const name of Object.keys(labels)) {
      if (!this.labelNames.includes(name)) {
        throw new Error(
          `metrics: ${this.name} has no label "${name}" (labels: ${this.labelNames.join(', ')})`,
        );
      }
    }
    return labelText(this.labelNames, labels);
  }

  /** The family's lines, series sorted by their label text. */
  render(): string[] {
    return [
      `# HELP ${this.name} ${escapeHelp(this.help)}`,
      `# TYPE ${this.name} ${this.type}`,
      ...this.samples(),
    ];
  }

  protected abstract samples(): string[];
}

/** A value per label set that only goes up. */
export class Counter extends Family {
  readonly type = 'counter';
  private readonly values = new Map<string, number>();

  inc(labels: Labels = {}, by = 1): void {
    if (by < 0) throw new Error(`metrics: counter ${this.name} cannot go down (inc by ${by})`);
    const key = this.key(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  get(labels: Labels = {}): number {
    return this.values.get(this.key(labels)) ?? 0;
  }

  protected samples(): string[] {
    return sortedByLabels(this.values).map(([k, v]) => series(this.name, k, v));
  }
}

/** A value per label set that is set to what it is now. */
export class Gauge extends Family {
  readonly type = 'gauge';
  private readonly values = new Map<string, number>();

  set(labels: Labels, value: number): void {
    this.values.set(this.key(labels), value);
  }

  get(labels: Labels = {}): number | undefined {
    return this.values.get(this.key(labels));
  }

  /** Forgets every series (before a collector sets the current ones). */
  reset(): void {
    this.values.clear();
  }

  protected samples(): string[] {
    return sortedByLabels(this.values).map(([k, v]) => series(this.name, k, v));
  }
}

interface HistogramSeries {
  counts: number[];
  sum: number;
  count: number;
}

/** Observations per label set, counted into cumulative buckets. */
export class Histogram extends Family {
  readonly type = 'histogram';
  private readonly values = new Map<string, HistogramSeries>();

  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    readonly buckets: readonly number[],
  ) {
    super(name, help, labelNames);
    if (labelNames.includes('le')) throw new Error(`metrics: histogram ${name} may not have a label "le"`);
    for (let i = 1; i < buckets.length; i++) {
      if (!(buckets[i]! > buckets[i - 1]!)) throw new Error(`metrics: buckets of ${name} must increase`);
    }
  }

  observe(labels: Labels, value: number): void {
    const key = this.key(labels);
    let h = this.values.get(key);
    if (!h) {
      h = { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.values.set(key, h);
    }
    this.buckets.forEach((le, i) => {
      if (value <= le) h.counts[i]!++;
    });
    h.sum += value;
    h.count++;
  }

  /** How many observations a label set has. */
  count(labels: Labels = {}): number {
    return this.values.get(this.key(labels))?.count ?? 0;
  }

  protected samples(): string[] {
    const lines: string[] = [];
    for (const [key, h] of sortedByLabels(this.values)) {
      const withLe = (le: string): string => (key ? `${key},le="${le}"` : `le="${le}"`);
      this.buckets.forEach((le, i) =>
        lines.push(series(`${this.name}_bucket`, withLe(formatValue(le)), h.counts[i]!)),
      );
      lines.push(series(`${this.name}_bucket`, withLe('+Inf'), h.count));
      lines.push(series(`${this.name}_sum`, key, h.sum));
      lines.push(series(`${this.name}_count`, key, h.count));
    }
    return lines;
  }
}

/** The families a component serves, rendered in the order they were made. */
export class MetricsRegistry {
  private readonly families: Family[] = [];
  private readonly collectors: Array<() => void> = [];

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.add(new Counter(name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.add(new Gauge(name, help, labelNames));
  }

  histogram(
    name: string,
    help: string,
    labelNames: readonly string[],
    buckets: readonly number[],
  ): Histogram {
    return this.add(new Histogram(name, help, labelNames, buckets));
  }

  /** Runs before every render: sets gauges that are read, not pushed (process memory, …). */
  onCollect(collect: () => void): void {
    this.collectors.push(collect);
  }

  /** The exposition text. */
  render(): string {
    for (const collect of this.collectors) collect();
    return this.families.flatMap((f) => f.render()).join('\n') + '\n';
  }

  private add<F extends Family>(family: F): F {
    if (this.families.some((f) => f.name === family.name)) {
      throw new Error(`metrics: ${family.name} is registered twice`);
    }
    this.families.push(family);
    return family;
  }
}

/**
 * The process_* families Prometheus' Go client exports, from what Node knows of its own process:
 * CPU seconds, resident memory, heap, start time, open file descriptors (Linux).
 */
export function registerProcessMetrics(
  registry: MetricsRegistry,
  readFdCount: () => number | undefined,
): void {
  const cpu = registry.counter(
    'process_cpu_seconds_total',
    'Total user and system CPU time spent in seconds.',
  );
  const resident = registry.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.');
  const heap = registry.gauge('process_heap_bytes', 'Process heap size in bytes.');
  const fds = registry.gauge('process_open_fds', 'Number of open file descriptors.');
  const start = registry.gauge(
    'process_start_time_seconds',
    'Start time of the process since unix epoch in seconds.',
  );
  const startedAt = (Date.now() - performance.now()) / 1000;
  let lastCpu = 0;
  registry.onCollect(() => {
    const usage = process.cpuUsage();
    const seconds = (usage.user + usage.system) / 1e6;
    cpu.inc({}, Math.max(0, seconds - lastCpu));
    lastCpu = Math.max(lastCpu, seconds);
    const memory = process.memoryUsage();
    resident.set({}, memory.rss);
    heap.set({}, memory.heapTotal);
    const open = readFdCount();
    if (open !== undefined) fds.set({}, open);
    start.set({}, Math.floor(startedAt));
  });
}
