// A one-line progress bar with ETA for long command-line work:
//   retrain judder   [##########··········]  50%  1,200/2,400  0:03 elapsed  ETA 0:03
// On a terminal the line is redrawn in place (\r) at most every `intervalMs`; elsewhere (a log
// file, a test) a full line is written at each further 25 % so the output stays short. The ETA is
// elapsed × (total − done) / done: work items are assumed to cost the same.
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

export class ProgressBar {
  private readonly started: number;
  private lastDraw = -Infinity;
  private lastQuarter = -1;
  private ended = false;

  constructor(
    private readonly out: ProgressStream,
    private readonly label: string,
    private readonly total: number,
    private readonly opts: { width?: number; intervalMs?: number; now?: () => number } = {},
  ) {
    this.started = this.now();
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : performance.now();
  }

  /** The line for `done` of `total` at elapsed seconds. */
  line(done: number, elapsedS: number): string {
    const width = this.opts.width ?? 20;
    const f = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const fill = Math.round(f * width);
    const eta = done > 0 ? (elapsedS * (this.total - done)) / done : Number.NaN;
    const count = `${done.toLocaleString("en-US")}/${this.total.toLocaleString("en-US")}`;
    return `${this.label} [${"#".repeat(fill)}${"·".repeat(width - fill)}] ${String(Math.floor(f * 100)).padStart(3)}%  ${count}  ${formatDuration(elapsedS)} elapsed  ETA ${done >= this.total ? "0:00" : formatDuration(eta)}`;
  }

  update(done: number): void {
    const t = this.now();
    if (this.out.isTTY) {
      if (t - this.lastDraw < (this.opts.intervalMs ?? 100) && done < this.total) return;
      this.lastDraw = t;
      this.out.write(`\r${this.line(done, (t - this.started) / 1000)}`);
      return;
    }
    const quarter = this.total > 0 ? Math.floor((4 * done) / this.total) : 4;
    if (quarter > this.lastQuarter && quarter < 4) {
      this.lastQuarter = quarter;
      this.out.write(`${this.line(done, (t - this.started) / 1000)}\n`);
    }
  }

  /** Draws the final state and ends the line. */
  finish(): void {
    if (this.ended) return;
    this.ended = true;
    const line = this.line(this.total, (this.now() - this.started) / 1000);
    this.out.write(this.out.isTTY ? `\r${line}\n` : `${line}\n`);
  }
}
