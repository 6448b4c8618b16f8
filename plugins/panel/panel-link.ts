// Keeps the panel's board connected: opens the IO, waits for ready, draws the current view; when
// the board goes (USB pulled, port error, never ready) it reports once, lets go of the port and
// tries again after a doubling delay. Nothing here throws into the controller: a panel without its
// board only means nothing lights up. Beep patterns are played here too (they need the board).
import { Backoff } from "../../src/transport/backoff.ts";
import type { Timers } from "../../src/runtime/timers.ts";
import type { OpenIO } from "./io-factory.ts";
import { PanelBoard, type ButtonRole } from "./panel-board.ts";
import type { PanelConfig } from "./config.ts";
import type { PanelView } from "./panel-model.ts";
import { parsePattern } from "./states.ts";

export interface LinkTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface LinkEvents {
  /** The board is ready (again); `attempt` counts connection attempts since the last success. */
  onConnected(attempt: number): void;
  /** The board was lost or could not be opened; `retryMs` until the next attempt. */
  onLost(reason: string, retryMs: number): void;
  onPress(role: ButtonRole): void;
}

type LinkConfig = Pick<PanelConfig, "pins" | "lcd" | "buzzer" | "pullup" | "readyTimeoutMs" | "reconnect">;

export class PanelLink {
  private board: PanelBoard | null = null;
  private retry: unknown = null;
  private readyTimer: unknown = null;
  private beepTimer: unknown = null;
  private attempts = 0;
  private stopped = true;
  private view: PanelView | null = null;
  private readonly backoff: Backoff;
  /** Connections made and losses seen (for metrics and tests). */
  connects = 0;
  losses = 0;

  constructor(
    private readonly open: OpenIO,
    private readonly config: LinkConfig,
    private readonly timers: LinkTimers | Timers,
    private readonly events: LinkEvents,
  ) {
    this.backoff = new Backoff({ initialMs: config.reconnect.initialMs, maxMs: config.reconnect.maxMs });
  }

  get connected(): boolean {
    return this.board?.ready === true;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  show(view: PanelView): void {
    this.view = view;
    this.board?.show(view);
  }

  /** Plays an on-off-on… pattern (ms); a new pattern replaces one still playing. */
  beep(pattern: string): void {
    const steps = parsePattern(pattern);
    this.stopBeep();
    const step = (i: number): void => {
      this.beepTimer = null;
      if (i >= steps.length) {
        this.board?.buzz(false);
        return;
      }
      this.board?.buzz(i % 2 === 0);
      this.beepTimer = this.timers.setTimeout(() => step(i + 1), steps[i]);
    };
    step(0);
  }

  private stopBeep(): void {
    if (this.beepTimer === null) return;
    this.timers.clearTimeout(this.beepTimer);
    this.beepTimer = null;
    this.board?.buzz(false);
  }

  stop(): void {
    this.stopped = true;
    this.stopBeep();
    for (const t of [this.retry, this.readyTimer]) if (t !== null) this.timers.clearTimeout(t);
    this.retry = this.readyTimer = null;
    this.board?.close();
    this.board = null;
  }

  private connect(): void {
    this.retry = null;
    if (this.stopped) return;
    this.attempts++;
    let io;
    try {
      io = this.open();
    } catch (err) {
      this.lost(`cannot open the panel's board: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const board = new PanelBoard(io, this.config);
    this.board = board;
    board.on("press", (role) => this.events.onPress(role));
    board.on("lost", (reason) => {
      if (this.board === board) this.lost(reason);
    });
    board.on("ready", () => {
      if (this.readyTimer !== null) this.timers.clearTimeout(this.readyTimer);
      this.readyTimer = null;
      this.connects++;
      const attempt = this.attempts;
      this.attempts = 0;
      this.backoff.reset();
      if (this.view) board.show(this.view);
      this.events.onConnected(attempt);
    });
    this.readyTimer = this.timers.setTimeout(() => {
      this.readyTimer = null;
      if (this.board === board && !board.ready) this.lost(`the panel's board did not report ready within ${this.config.readyTimeoutMs} ms`);
    }, this.config.readyTimeoutMs);
  }

  private lost(reason: string): void {
    if (this.readyTimer !== null) this.timers.clearTimeout(this.readyTimer);
    this.readyTimer = null;
    this.board?.close();
    this.board = null;
    if (this.stopped) return;
    this.losses++;
    const ms = this.backoff.next();
    this.events.onLost(reason, ms);
    this.retry = this.timers.setTimeout(() => this.connect(), ms);
  }
}
