// One job as the evaluation sees it: the learners' inputs (decided at the end of the last cut pass,
// before the check pass), the controller's measurements, and the labels.
import type { JobLabels } from "./targets.ts";

export interface JobSample {
  ordinal: number;
  status: "complete" | "interrupted";
  /** INPUT_NAMES vector at the last CUT_END; null when the job never finished a cut pass. */
  inputs: number[] | null;
  lroPreUm: number | null;
  lroPostUm: number | null;
  labels: JobLabels | null;
  /** Simulator runs only: the job's truth.jsonl line (hidden causes, true DTV / LRO / Ra), for the
   *  evaluation's ceilings and diagnostics. Never an input of a learner. */
  truth?: Record<string, unknown> | null;
}
