// Config fields shared by the learning plugins (judder, cut-quality): the online model's settings
// (src/learn/online-model.ts documents each) and the model file.
import { z } from "../runtime/index.ts";
import type { LearnerOptions } from "./learners.ts";

export const learnerConfig = {
  /** Labels before the network's estimates replace the rule (cold start). */
  minLabels: z.number().int().min(1).default(30),
  /** Adam learning rate; constant, so the model keeps adapting when the cars change. */
  learningRate: z.number().positive().max(1).default(0.003),
  /** Adam learning rate of a learner that started from a prior (priorFile / raPriorFile): smaller,
   *  so the garage's few noisy labels fine-tune the prior instead of overwriting it. */
  priorLearningRate: z.number().positive().max(1).default(0.0003),
  hidden: z.number().int().min(1).max(256).default(16),
  /** Labelled jobs kept for replay (FIFO), and replay steps per label. */
  replaySize: z.number().int().min(1).max(65536).default(256),
  replaySteps: z.number().int().min(0).max(256).default(8),
  /** Roll a model back automatically when its running error degrades sharply. */
  rollback: z.boolean().default(true),
  seed: z.number().int().default(1),
  /**
   * Folder of the model files (`<kind>.epnn`; a relative path is relative to the config file when
   * `run` / `replay` load it, else to the working folder): loaded at start when they exist (in the
   * job-log variants only when the registry has no active version), saved after every update.
   * Unset: the models live in memory only (replays stay reproducible), or, in the job-log
   * variants, in the registry's version files.
   */
  modelDir: z.string().min(1).optional(),
};

export function learnerOptions(c: { minLabels: number; learningRate: number; priorLearningRate: number; hidden: number; replaySize: number; replaySteps: number; rollback: boolean; seed: number }): LearnerOptions {
  return { minLabels: c.minLabels, learningRate: c.learningRate, priorLearningRate: c.priorLearningRate, hidden: c.hidden, replaySize: c.replaySize, replaySteps: c.replaySteps, rollback: c.rollback, seed: c.seed };
}

/** Config fields of the job-log variants (with-job-log.ts): versions into the job log's registry. */
export const registryConfig = {
  /**
   * The job log whose model registry gets every version (as the job-log plugin's `db`; default: its
   * default location). A relative path is relative to the config file (`run` / `replay` resolve it).
   * Version files go to `models/` beside it.
   */
  db: z.string().min(1).optional(),
  /** Version files kept per model kind (older ones are deleted; their registry rows stay). */
  keepVersions: z.number().int().min(1).max(10_000).default(20),
  /** How often to look whether another version was made active (dashboard, `models`), ms. */
  registryPollMs: z.number().int().min(50).max(60_000).default(1000),
};
