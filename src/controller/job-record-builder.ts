// Builds each job's record (src/store/job-record.ts) from what the pipeline says about it, joined
// by ordinal: the measured revolutions (features.revs rows up to the job's END row), the tracker's
// summary (jobs.ended), and one estimate per job from the judder and cut-quality estimators. A
// record is complete when all four have arrived, whatever order they come in.
//
// measured (datasheet definitions, ok revolutions only: one across a discontinuity is dropped):
//   rpm        median of 60e6 / period over the measure and check revolutions (tool clear: the
//              spindle at its set point, not slowed by the cut); cut revolutions only if there are none
//   lroPreUm   median LRO over the compensated measure revolutions
//   lroPostUm  median LRO over the check revolutions after the last cut pass
// revolutions  ok revolutions per phase, all passes.
// labels       from a label file (replay): by ordinal; a label whose boardStartUs disagrees with
//              the job's is refused (labels null, alarm `label-refused`).
import { LatheState } from "../protocol/index.ts";
import type { JobLogEntry, JobRecord } from "../store/job-record.ts";
import type { CutQualityEstimate, EndedJob, JudderEstimate } from "./channels.ts";
import { StreamKind } from "./channels.ts";
import { Row } from "./revolution-assembler.ts";
import { medianOf } from "./rules.ts";

export interface LabelLine {
  job: number;
  boardStartUs?: number;
  judder?: boolean;
  dtvUm?: number;
  raUm?: number;
}

interface Measured {
  revolutions: { measure: number; cut: number; check: number };
  rpm: number | null;
  lroPreUm: number | null;
  lroPostUm: number | null;
}

interface Pending {
  measured?: Measured;
  ended?: EndedJob;
  judder?: JudderEstimate;
  cut?: CutQualityEstimate;
}

const MAX_REVS = 8192;
const round3 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1000) / 1000);

export class JobRecordBuilder {
  private readonly pending = new Map<number, Pending>();
  private readonly lroPre = new Float64Array(MAX_REVS);
  private readonly lroPost = new Float64Array(MAX_REVS);
  private readonly rpmFree = new Float64Array(MAX_REVS);
  private readonly rpmCut = new Float64Array(MAX_REVS);
  /** [ordinal, nPre, nPost, nRpmFree, nRpmCut, measure, cut, check, post pass] */
  private readonly n = new Float64Array(9);
  readonly refused: { ordinal: number; message: string }[] = [];

  constructor(
    private readonly onRecord: (entry: JobLogEntry) => void,
    private readonly labels: ReadonlyMap<number, LabelLine> = new Map(),
  ) {}

  /** A features.revs row (REV, START, CUT_END or END). Allocation-free for REV rows. */
  addRow(row: Float64Array): void {
    const kind = row[Row.kind];
    const n = this.n;
    if (kind === StreamKind.START) {
      n.fill(0);
      n[0] = row[Row.ordinal];
      return;
    }
    if (kind === StreamKind.REV) {
      if (row[Row.ordinal] !== n[0] || row[Row.ok] !== 1) return;
      const phase = row[Row.phase];
      const lro = row[Row.lroUm];
      const rpm = row[Row.rpm];
      if (phase === LatheState.MEASURE) {
        n[5]++;
        if (row[Row.comp] === 1 && n[1] < MAX_REVS) this.lroPre[n[1]++] = lro;
        if (n[3] < MAX_REVS) this.rpmFree[n[3]++] = rpm;
      } else if (phase === LatheState.CUT) {
        n[6]++;
        if (n[4] < MAX_REVS) this.rpmCut[n[4]++] = rpm;
      } else if (phase === LatheState.CHECK) {
        n[7]++;
        if (row[Row.pass] !== n[8]) {
          n[8] = row[Row.pass];
          n[2] = 0;
        }
        if (n[2] < MAX_REVS) this.lroPost[n[2]++] = lro;
        if (n[3] < MAX_REVS) this.rpmFree[n[3]++] = rpm;
      }
      return;
    }
    if (kind === StreamKind.END) {
      const ordinal = row[Row.ordinal];
      if (ordinal !== n[0]) return;
      const rpm = n[3] > 0 ? medianOf(this.rpmFree, n[3]) : medianOf(this.rpmCut, n[4]);
      this.part(ordinal).measured = {
        revolutions: { measure: n[5], cut: n[6], check: n[7] },
        rpm: round3(rpm),
        lroPreUm: round3(medianOf(this.lroPre, n[1])),
        lroPostUm: round3(medianOf(this.lroPost, n[2])),
      };
      this.tryFinish(ordinal);
    }
  }

  addEnded(e: EndedJob): void {
    this.part(e.ordinal).ended = e;
    this.tryFinish(e.ordinal);
  }

  addJudder(j: JudderEstimate): void {
    this.part(j.ordinal).judder = j;
    this.tryFinish(j.ordinal);
  }

  addCutQuality(c: CutQualityEstimate): void {
    this.part(c.ordinal).cut = c;
    this.tryFinish(c.ordinal);
  }

  /** Ordinals still waiting for a part. */
  waiting(): number[] {
    return [...this.pending.keys()];
  }

  private part(ordinal: number): Pending {
    let p = this.pending.get(ordinal);
    if (!p) {
      p = {};
      this.pending.set(ordinal, p);
    }
    return p;
  }

  private tryFinish(ordinal: number): void {
    const p = this.pending.get(ordinal)!;
    if (!p.measured || !p.ended || !p.judder || !p.cut) return;
    this.pending.delete(ordinal);
    const e = p.ended;
    const alarms: JobRecord["alarms"] = [...e.alarms, ...(p.cut.alarms ?? [])];
    let labels: JobRecord["labels"] = null;
    const l = this.labels.get(ordinal);
    if (l) {
      if (l.boardStartUs !== undefined && l.boardStartUs !== e.boardStartUs) {
        const message = `label of job ${ordinal} refused: its boardStartUs ${l.boardStartUs} is not the job's ${e.boardStartUs}`;
        alarms.push({ code: "label-refused", atUs: e.boardStartUs, message });
        this.refused.push({ ordinal, message });
      } else {
        labels = { judder: l.judder ?? null, dtvUm: l.dtvUm ?? null, raUm: l.raUm ?? null };
      }
    }
    const record: JobRecord = {
      id: e.id,
      ordinal,
      boardStartUs: e.boardStartUs,
      startedAt: e.startedAt,
      status: e.status,
      reason: e.reason,
      revolutions: p.measured.revolutions,
      passes: e.passes,
      measured: { rpm: p.measured.rpm, lroPreUm: p.measured.lroPreUm, lroPostUm: p.measured.lroPostUm },
      judder: { p: p.judder.p, flag: p.judder.flag, source: p.judder.source, modelVersion: p.judder.modelVersion },
      cutQuality: { lroPostUm: p.cut.lroPostUm, raUm: p.cut.raUm, source: p.cut.source, modelVersion: p.cut.modelVersion },
      alarms,
      labels,
      meta: null,
      frames: e.frames,
    };
    this.onRecord({ record });
  }
}

/** Parses a label file's text (JSON Lines); errors name the file and line. */
export function parseLabels(text: string, file: string): Map<number, LabelLine> {
  const out = new Map<number, LabelLine>();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (err) {
      throw new Error(`${file}:${i + 1}: not JSON (${(err as Error).message})`);
    }
    const o = v as Record<string, unknown>;
    if (typeof o !== "object" || o === null || !Number.isInteger(o.job) || (o.job as number) < 1) {
      throw new Error(`${file}:${i + 1}: a label needs "job": an integer ≥ 1`);
    }
    const check = (k: string, type: string) => {
      if (o[k] !== undefined && typeof o[k] !== type) throw new Error(`${file}:${i + 1}: "${k}" must be a ${type}`);
    };
    check("boardStartUs", "number");
    check("judder", "boolean");
    check("dtvUm", "number");
    check("raUm", "number");
    out.set(o.job as number, o as unknown as LabelLine);
  }
  return out;
}
