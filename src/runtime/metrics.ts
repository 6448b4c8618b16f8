// Counters, gauges and histograms: created at setup (allocation happens then), updated on hot paths
// with a field write. Names are scoped by the host: a plugin's `frames` counter is `<plugin>.frames`.
// A metric name has no dots, so no plugin can name another's metric (`a` + `b.x` vs `a.b` + `x`);
// the host's own per-plugin metrics are `host:<plugin>.<name>` (':' is not allowed in plugin names).

export class Counter {
  value = 0;
  constructor(readonly name: string, readonly help: string) {}
  inc(n = 1): void {
    this.value += n;
  }
}

export class Gauge {
  value = 0;
  constructor(readonly name: string, readonly help: string) {}
  set(v: number): void {
    this.value = v;
  }
}

/** Fixed buckets (upper bounds, ascending); counts[i] = observations <= bounds[i], last = overflow. */
export class Histogram {
  readonly bounds: Float64Array;
  readonly counts: Float64Array;
  count = 0;
  sum = 0;
  constructor(readonly name: string, readonly help: string, bounds: readonly number[]) {
    for (let i = 1; i < bounds.length; i++) {
      if (!(bounds[i] > bounds[i - 1])) throw new TypeError(`histogram '${name}': bounds must ascend`);
    }
    this.bounds = Float64Array.from(bounds);
    this.counts = new Float64Array(bounds.length + 1);
  }
  observe(v: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && v > b[i]) i++;
    this.counts[i]++;
    this.count++;
    this.sum += v;
  }
}

export type MetricSnapshot =
  | { type: "counter" | "gauge"; name: string; value: number }
  | { type: "histogram"; name: string; count: number; sum: number; buckets: Array<{ le: number; count: number }> };

export interface Metrics {
  counter(name: string, help?: string): Counter;
  gauge(name: string, help?: string): Gauge;
  histogram(name: string, bounds: readonly number[], help?: string): Histogram;
}

export class MetricRegistry {
  private readonly metrics = new Map<string, Counter | Gauge | Histogram>();

  /** A view whose names are prefixed `<scope>.`; asking twice for a name returns the same metric. */
  scoped(scope: string): Metrics {
    const full = (name: string): string => {
      if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new TypeError(`metric name '${name}' must be [A-Za-z0-9_-] (no dots)`);
      return `${scope}.${name}`;
    };
    return Object.freeze({
      counter: (name: string, help = "") => this.getOrCreate(full(name), Counter, (n) => new Counter(n, help)),
      gauge: (name: string, help = "") => this.getOrCreate(full(name), Gauge, (n) => new Gauge(n, help)),
      histogram: (name: string, bounds: readonly number[], help = "") =>
        this.getOrCreate(full(name), Histogram, (n) => new Histogram(n, help, bounds)),
    });
  }

  get(name: string): Counter | Gauge | Histogram | undefined {
    return this.metrics.get(name);
  }

  /** A counter's or gauge's value (a histogram's count), or undefined when there is no such metric. */
  value(name: string): number | undefined {
    const m = this.metrics.get(name);
    return m === undefined ? undefined : m instanceof Histogram ? m.count : m.value;
  }

  snapshot(): MetricSnapshot[] {
    return [...this.metrics.values()].map((m) => {
      if (m instanceof Histogram) {
        const buckets = [...m.bounds, Infinity].map((le, i) => ({ le, count: m.counts[i] }));
        return { type: "histogram" as const, name: m.name, count: m.count, sum: m.sum, buckets };
      }
      return { type: m instanceof Counter ? ("counter" as const) : ("gauge" as const), name: m.name, value: m.value };
    });
  }

  private getOrCreate<M extends Counter | Gauge | Histogram>(name: string, kind: new (...a: never[]) => M, make: (name: string) => M): M {
    const existing = this.metrics.get(name);
    if (existing) {
      if (!(existing instanceof kind)) throw new TypeError(`metric '${name}' already exists as another type`);
      return existing;
    }
    const m = make(name);
    this.metrics.set(name, m);
    return m;
  }
}
