// What the learning plugins publish about themselves while they run (typed object channels, one per
// plugin since a channel has one writer): one LearnerStatus per model kind at start and after every
// change (a label learned, an automatic rollback, a version adopted from the registry). The
// dashboard's models page shows them live (plugins/dashboard/with-learners.ts reads both channels).
import { objectChannel } from "../runtime/index.ts";
import type { JudderScores, RegressionScores } from "./running-scores.ts";

export interface LearnerStatus {
  /** The plugin: "judder" or "cut-quality". */
  learner: string;
  /** Model kind (registry kind): "judder", "residual-runout", "ra". */
  kind: string;
  /** The model version the next estimate comes from once the model decides (the registry's name in
   *  the job-log variants), null while no update has been made. */
  version: string | null;
  /** Where this kind's estimates come from now: the network ("model"), a shipped prior before the
   *  model's first own update ("prior", src/learn/prior.ts) or the cold-start rule ("rule"; for Ra:
   *  no estimate yet). */
  source: "model" | "prior" | "rule";
  /** Labels the model has learned (all time, as its file counts them) and automatic rollbacks. */
  labels: number;
  rollbacks: number;
  /** Running prequential scores of the issued estimates (src/learn/running-scores.ts). */
  scores: JudderScores | RegressionScores;
  /** Whether versions go to the job log's model registry (job-log variant). */
  registry: boolean;
  /** What changed: "start", "label", "rollback", "adopted". */
  cause: "start" | "label" | "rollback" | "adopted";
  /** Epoch ms. */
  time: number;
}

export const judderStatus = objectChannel<LearnerStatus>("judder.status", { capacity: 64, policy: "drop-oldest" });
export const cutQualityStatus = objectChannel<LearnerStatus>("cut-quality.status", { capacity: 64, policy: "drop-oldest" });
