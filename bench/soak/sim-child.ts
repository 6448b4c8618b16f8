// The soak's simulator process: firmware-sim serving both boards on socat pty pairs at `speed`
// board seconds per wall second, in a process of its own (so its CPU and memory are not the
// controller's). Spawned by bench/soak.ts with an IPC channel:
//
//   argv[2] = JSON SimChildOptions
//   → { type: "ready", paths, links }            ptys made; the controller may open them
//   ← { type: "start" }                           stream from now on
//   → { type: "progress", wallMs, simUs }         about every 100 ms of wall time
//   → { type: "job", job: TruthJob }              each job as the simulator finishes it
//   → { type: "done", ... }                       last byte sent (or stopped), link and CPU stats
//   ← { type: "stop" }                            tear socat down and exit
// wallMs is epoch ms with sub-ms precision (performance.timeOrigin + now()), comparable across
// processes on one machine. The truth also goes to `<dir>/truth.jsonl`, one job a line.
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { openPtyLink, Simulator, type FaultPlan } from "../../firmware-sim/index.ts";
import { truthJob } from "./truth.ts";

export interface SimChildOptions {
  scenario: string;
  jobs: number;
  seed: number;
  speed: number;
  clockStartUs: number;
  faults: FaultPlan;
  dir: string;
}

const send = (m: unknown): void => {
  process.send?.(m);
};
const wallMs = (): number => performance.timeOrigin + performance.now();

const opts = JSON.parse(process.argv[2]) as SimChildOptions;
const sim = new Simulator({ scenario: opts.scenario, jobs: opts.jobs, seed: opts.seed, clockStartUs: opts.clockStartUs, faults: opts.faults, keepRevolutions: false });
const truthFile = join(opts.dir, "truth.jsonl");
sim.onJob = (j) => {
  const job = truthJob(j);
  appendFileSync(truthFile, JSON.stringify(job) + "\n");
  send({ type: "job", job });
};
const link = await openPtyLink(sim, { speed: opts.speed });
send({ type: "ready", paths: link.paths, links: link.links });

let cpu0 = process.cpuUsage();
let wall0 = wallMs();
let progress: NodeJS.Timeout | undefined;
process.on("message", (m: { type: string }) => {
  if (m.type === "start") {
    cpu0 = process.cpuUsage();
    wall0 = wallMs();
    link.start();
    progress = setInterval(() => send({ type: "progress", wallMs: wallMs(), simUs: sim.simUs }), 100);
    void link.done.then(() => {
      clearInterval(progress);
      const cpu = process.cpuUsage(cpu0);
      send({ type: "progress", wallMs: wallMs(), simUs: sim.simUs });
      send({
        type: "done",
        simUs: sim.simUs,
        wallS: (wallMs() - wall0) / 1000,
        cpuS: (cpu.user + cpu.system) / 1e6,
        linkDropped: link.stats.linkDropped,
        vanished: link.stats.vanished,
        lostChunks: sim.stats.lostChunks,
        bytes: sim.stats.bytes,
        jobs: sim.jobs.length,
        rssMb: process.memoryUsage().rss / 1e6,
      });
    });
  } else if (m.type === "stop") {
    clearInterval(progress);
    void link.stop().then(() => process.exit(0));
  }
});
process.on("disconnect", () => void link.stop().then(() => process.exit(0)));
