// Channel throughput: one producer, one consumer, 4 float fields per item, in one process.
// Prints items/s of the runtime's numeric channel beside the usual alternatives, and ratios.
//   npx tsx bench/runtime-channels.ts [items]
import { EventEmitter } from "node:events";
import type { NumericReader, NumericWriter, ObjectReader, ObjectWriter } from "../src/runtime/channels/endpoints.ts";
import { ChannelRegistry } from "../src/runtime/channels/registry.ts";
import { DeliveryScheduler } from "../src/runtime/channels/scheduler.ts";
import { numericChannel, objectChannel } from "../src/runtime/channels/spec.ts";

const N = Number(process.argv[2] ?? 5_000_000);
const BATCH = 64; // consumer drains every BATCH writes, as a handler would per burst
type Item = { t: number; x: number; y: number; z: number };

function registry(): ChannelRegistry {
  return new ChannelRegistry(new DeliveryScheduler(() => undefined));
}

function numeric(): number {
  const reg = registry();
  reg.create(numericChannel("b.n", { fields: ["t", "x", "y", "z"], capacity: 4096 }), "p");
  const w = reg.writer("b.n") as NumericWriter<string>;
  const r = reg.reader("c", "b.n").facade as NumericReader<string>;
  const [t, x, y, z] = ["t", "x", "y", "z"].map((f) => w.column(f));
  let sum = 0;
  for (let i = 0; i < N; i++) {
    const s = w.claim();
    t[s] = i;
    x[s] = i * 0.5;
    y[s] = i * 0.25;
    z[s] = 1;
    w.publish();
    if (i % BATCH === BATCH - 1) for (let k = r.next(); k >= 0; k = r.next()) sum += x[k] + z[k];
  }
  return sum;
}

function objects(): number {
  const reg = registry();
  reg.create(objectChannel<Item>("b.o", { capacity: 4096 }), "p");
  const w = reg.writer("b.o") as ObjectWriter<Item>;
  const r = reg.reader("c", "b.o").facade as ObjectReader<Item>;
  let sum = 0;
  for (let i = 0; i < N; i++) {
    w.push({ t: i, x: i * 0.5, y: i * 0.25, z: 1 });
    if (i % BATCH === BATCH - 1) for (let v = r.shift(); v !== undefined; v = r.shift()) sum += v.x + v.z;
  }
  return sum;
}

function arrayQueue(): number {
  const q: Item[] = [];
  let sum = 0;
  for (let i = 0; i < N; i++) {
    q.push({ t: i, x: i * 0.5, y: i * 0.25, z: 1 });
    if (i % BATCH === BATCH - 1) while (q.length > 0) {
      const v = q.shift()!;
      sum += v.x + v.z;
    }
  }
  return sum;
}

function emitter(): number {
  const e = new EventEmitter();
  let sum = 0;
  e.on("item", (v: Item) => (sum += v.x + v.z));
  for (let i = 0; i < N; i++) e.emit("item", { t: i, x: i * 0.5, y: i * 0.25, z: 1 });
  return sum;
}

const cases: Array<[string, () => number]> = [
  ["numeric channel (SoA ring, claim/publish)", numeric],
  ["object channel (new object per item)", objects],
  ["array queue push/shift (unbounded)", arrayQueue],
  ["EventEmitter emit per item", emitter],
];

const results: Array<[string, number]> = [];
for (const [name, fn] of cases) {
  fn(); // warm-up
  const t0 = performance.now();
  const check = fn();
  const ms = performance.now() - t0;
  if (!Number.isFinite(check)) throw new Error(`${name}: bad checksum`);
  results.push([name, N / (ms / 1000)]);
}
const base = results[0][1];
console.log(`items: ${N}, consumer drains every ${BATCH}`);
for (const [name, rate] of results) {
  console.log(`${name.padEnd(44)} ${(rate / 1e6).toFixed(1).padStart(7)} M items/s   time ${(base / rate).toFixed(2)}x the numeric channel's`);
}
