// What both boards share: sequence numbers, the shared clock, HELLO / STATUS / ACK, commands,
// resets and stalls, and turning the frames of one block into bytes in time order.
//
// Clock: board time (u32 µs, as sent) = (clockStartUs + round(simUs)) mod 2^32 for both boards
// (one timebase; a reset re-syncs to it). Frames of a block are collected with their sim times,
// sorted, then numbered and encoded, so seq always follows the bytes' order.

import { decodeFrame, encodeFrameInto, encodeSamplesInto, FrameType, MAX_FRAME_BYTES, type Frame } from "../../src/protocol/index.ts";
import { BOOT_US, inWindow, type BoardName, type FaultPlan } from "../faults.ts";
import type { Rng } from "../random.ts";
import type { World } from "../world.ts";

export interface BoardIdentity {
  kind: number;
  fwMajor: number;
  fwMinor: number;
  channels: number;
  serialNo: number;
  lsb: number;
  defaultRate: number;
  rates: readonly number[];
}

/** t: when the frame is built (orders the bytes, and t_us of non-SAMPLES); stamp: t_us of SAMPLES. */
/** frame null and samples null: a STATUS, built when sent (so a stalled one loses no counts). */
type Pending = { t: number; stamp: number; frame: Frame | null; samples: Int16Array | null; n: number };

export const STATUS_OVERRANGE = 1;
export const STATUS_FAULT = 2;
export const STATUS_OVERFLOW = 4;
export const STATUS_CLOCK_RESET = 8;

export abstract class Board {
  rateHz: number;
  streaming = true;
  /** Sim µs of the last power-up; the board is dark until bootedAt + its boot latency. */
  bootAt = 0;
  protected up = false;
  private seq = 0;
  private pending: Pending[] = [];
  private replies: Frame[] = [];
  private rx: number[] = [];
  private statusNext = 0;
  protected statusFlags = 0;
  protected dropped = 0;
  private resetsDone = 0;
  private out = new Uint8Array(1 << 16);
  private len = 0;

  constructor(
    readonly name: BoardName,
    readonly id: BoardIdentity,
    protected readonly clockStartUs: number,
    protected readonly faults: FaultPlan,
    protected readonly lineRng: Rng,
  ) {
    this.rateHz = id.defaultRate;
  }

  boardUs(simUs: number): number {
    return (this.clockStartUs + Math.round(simUs)) % 4294967296;
  }

  /** Bytes (COBS frames) the host wrote to this board; replies go out at the next block. */
  receive(bytes: Uint8Array): void {
    for (const b of bytes) {
      if (b !== 0) {
        if (this.rx.length < 300) this.rx.push(b);
        continue;
      }
      const r = decodeFrame(Uint8Array.from(this.rx));
      this.rx.length = 0;
      if (r.ok) this.command(r.frame);
    }
  }

  private command(f: Frame): void {
    if (!this.up) return;
    const ack = (command_type: number, result: number) =>
      this.replies.push({ type: "ACK", seq: 0, t_us: 0, command_type, result });
    switch (f.type) {
      case "PING":
        this.replies.push(this.hello());
        break;
      case "STREAM":
        if (f.on > 1) ack(FrameType.STREAM, 1);
        else {
          this.streaming = f.on === 1;
          ack(FrameType.STREAM, 0);
        }
        break;
      case "SET_RATE":
        if (!this.id.rates.includes(f.rate_hz)) ack(FrameType.SET_RATE, 1);
        else {
          ack(FrameType.SET_RATE, 0);
          if (f.rate_hz !== this.rateHz) {
            this.rateHz = f.rate_hz;
            this.rateChanged();
            this.replies.push(this.hello());
          }
        }
        break;
      default:
        break; // a board ignores frames that are not commands
    }
  }

  protected hello(): Frame {
    const id = this.id;
    return {
      type: "HELLO", seq: 0, t_us: 0, kind: id.kind, fw_major: id.fwMajor, fw_minor: id.fwMinor,
      channels: id.channels, serial_no: id.serialNo, rate_hz: this.rateHz, lsb: id.lsb,
    };
  }

  /** Power-up (or reboot): seq from 0, defaults back, HELLO first. */
  protected boot(simUs: number, reset: boolean): void {
    this.up = true;
    this.seq = 0;
    this.rateHz = this.id.defaultRate;
    this.streaming = true;
    this.statusNext = simUs + 1_000_000;
    if (reset) this.statusFlags |= STATUS_CLOCK_RESET;
    this.onBoot(simUs);
    this.queue(simUs + (this.id.kind === 1 ? 12 : 5), this.hello());
  }

  protected queue(t: number, frame: Frame): void {
    this.pending.push({ t, stamp: t, frame, samples: null, n: 0 });
  }

  /** A SAMPLES frame built at t whose first sample was taken at firstSampleT (sim µs). */
  protected queueSamples(t: number, firstSampleT: number, samples: Int16Array, n: number): void {
    this.pending.push({ t, stamp: firstSampleT, frame: null, samples, n });
  }

  protected stalled(simUs: number): boolean {
    return inWindow(this.faults.silences, this.name, simUs);
  }

  /** True inside a sensor-fault window; also raises STATUS bit 1. */
  protected sensorFault(simUs: number): boolean {
    if (!inWindow(this.faults.sensorFaults, this.name, simUs)) return false;
    this.statusFlags |= STATUS_FAULT;
    return true;
  }

  protected saturated(simUs: number): boolean {
    return inWindow(this.faults.saturations, this.name, simUs);
  }

  /** Renders the world's last block into this board's bytes (empty when nothing was sent). */
  render(world: World): Uint8Array {
    const t0 = world.t0;
    const t1 = world.t0 + world.blockUs;
    if (t0 === 0 && !this.up) this.boot(0, false);
    this.handleResets(t0, t1);
    for (const r of this.replies) this.queue(t0, r);
    this.replies.length = 0;
    if (this.up) {
      this.generate(world, t0, t1);
      while (this.statusNext < t1) {
        this.pending.push({ t: this.statusNext + 700, stamp: this.statusNext + 700, frame: null, samples: null, n: 0 });
        this.statusNext += 1_000_000;
      }
    }
    return this.flush();
  }

  private handleResets(t0: number, t1: number): void {
    for (const f of this.faults.resets ?? []) {
      if (f.board !== this.name) continue;
      const at = f.atS * 1e6;
      if (at >= t0 && at < t1) {
        this.up = false;
        this.pending.length = 0;
        this.replies.length = 0;
        this.rx.length = 0;
        this.bootAt = at + BOOT_US;
        this.resetsDone++;
      }
    }
    if (!this.up && this.resetsDone > 0 && this.bootAt >= t0 && this.bootAt < t1) this.boot(this.bootAt, true);
  }

  private statusFrame(): Frame {
    const f: Frame = {
      type: "STATUS", seq: 0, t_us: 0, flags: this.statusFlags,
      temp_c_x100: 3150 + (this.id.kind === 1 ? 220 : 0), dropped: Math.min(this.dropped, 0xffff),
    };
    this.statusFlags = 0;
    this.dropped = 0;
    return f;
  }

  private flush(): Uint8Array {
    const p = this.pending;
    if (p.length === 0) return EMPTY;
    p.sort(byTime);
    this.len = 0;
    for (const item of p) {
      if (this.stalled(item.t)) {
        // A stalled link: the frame is never built; its samples count as dropped.
        if (item.samples) {
          this.dropped += item.n;
          this.statusFlags |= STATUS_OVERFLOW;
        }
        continue;
      }
      if (this.len + MAX_FRAME_BYTES > this.out.length) {
        const bigger = new Uint8Array(this.out.length * 2);
        bigger.set(this.out.subarray(0, this.len));
        this.out = bigger;
      }
      const start = this.len;
      const tUs = this.boardUs(item.stamp);
      if (item.samples) {
        this.len += encodeSamplesInto(this.seq, tUs, item.n, this.id.channels, item.samples, 0, this.out, this.len);
      } else {
        const f = item.frame ?? this.statusFrame();
        f.seq = this.seq;
        f.t_us = tUs;
        this.len += encodeFrameInto(f, this.out, this.len);
      }
      this.seq = (this.seq + 1) & 0xffff;
      this.corrupt(start, this.len);
    }
    p.length = 0;
    return this.out.slice(0, this.len);
  }

  private corrupt(start: number, end: number): void {
    const p = this.faults.corruptFrameP ?? 0;
    if (p <= 0) return;
    const boards = this.faults.lineBoards;
    if (boards && !boards.includes(this.name)) return;
    if (this.lineRng.next() >= p) return;
    const at = start + Math.floor(this.lineRng.next() * (end - start - 1));
    this.out[at] = (this.out[at] + 1 + Math.floor(this.lineRng.next() * 255)) & 0xff;
  }

  /** Sample generation for [t0, t1): queue SAMPLES (and INDEX / LATHE) frames. */
  protected abstract generate(world: World, t0: number, t1: number): void;
  protected abstract onBoot(simUs: number): void;
  protected abstract rateChanged(): void;
}

const EMPTY = new Uint8Array(0);
const byTime = (a: Pending, b: Pending) => a.t - b.t;
