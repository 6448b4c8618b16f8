// Child script for countGcInChild: a hot numeric producer/consumer pair on one channel (plus the
// metrics a plugin would update per item). Arg "alloc" makes the producer build a fresh row array
// per write, which must show up as GC (so the zero-GC assertion can fail).
import type { NumericReader, NumericWriter } from "../../../src/runtime/channels/endpoints.ts";
import { ChannelRegistry } from "../../../src/runtime/channels/registry.ts";
import { DeliveryScheduler } from "../../../src/runtime/channels/scheduler.ts";
import { numericChannel } from "../../../src/runtime/channels/spec.ts";
import { MetricRegistry } from "../../../src/runtime/metrics.ts";

type F = "t" | "x" | "y" | "z";

export default async function prepare(args: string[]): Promise<() => void> {
  const allocate = args[0] === "alloc";
  const spec = numericChannel("vib.samples", { fields: ["t", "x", "y", "z"], capacity: 4096, policy: "drop-oldest" });
  const reg = new ChannelRegistry(new DeliveryScheduler(() => undefined));
  reg.create(spec, "source");
  const w = reg.writer("vib.samples") as NumericWriter<F>;
  const fast = reg.reader("features", "vib.samples").facade as NumericReader<F>;
  const slow = reg.reader("logger", "vib.samples").facade as NumericReader<F>;
  const [t, x, y, z] = [w.column("t"), w.column("x"), w.column("y"), w.column("z")];
  const rx = fast.column("x");
  const metrics = new MetricRegistry().scoped("features");
  const items = metrics.counter("items");
  const level = metrics.gauge("level");
  const hist = metrics.histogram("x", [0.1, 0.5, 1, 2]);
  // A captured `let` holding a double would be re-boxed on every update: keep sums in locals/arrays.
  const sink = new Float64Array(1);

  const hot = (n: number): void => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      if (allocate) {
        w.writeRow([i, Math.sin(i), Math.cos(i), i & 7]);
      } else {
        const s = w.claim();
        t[s] = i;
        x[s] = Math.sin(i);
        y[s] = Math.cos(i);
        z[s] = i & 7;
        w.publish();
      }
      if ((i & 63) === 63) {
        for (let k = fast.next(); k >= 0; k = fast.next()) {
          sum += rx[k];
          items.inc();
          hist.observe(rx[k] < 0 ? -rx[k] : rx[k]);
        }
        level.set(sum);
      }
      // The slow reader only looks now and then: it falls behind and drops (counted lazily).
      if ((i & 65535) === 0) slow.next();
    }
    sink[0] += sum;
  };
  // Warm-up over several calls: one call only gets an OSR-compiled loop, and the next call would
  // start in the interpreter (boxing doubles) until the whole function is optimized.
  for (let j = 0; j < 5; j++) hot(200_000);
  return () => {
    hot(1_000_000);
    if (slow.dropped === 0 || items.value === 0 || Number.isNaN(sink[0])) throw new Error("hot loop did not run");
  };
}
