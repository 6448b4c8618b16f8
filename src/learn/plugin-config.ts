// Config fields shared by the learning plugins (judder, cut-quality): the online model's settings
// (src/learn/online-model.ts documents each) and the model file.
import { z } from "../runtime/index.ts";
import type { LearnerOptions } from "./learners.ts";

export const learnerConfig = {
  /** Labels before the network's estimates replace the rule (cold start). */
  minLabels: z.number().int().min(1).default(30),
  /** Adam learning rate; constant, so the model keeps adapting when the cars change. */
  learningRate: z.number().positive().max(1).default(0.003),
  hidden: z.number().int().min(1).max(256).default(16),
  /** Labelled jobs kept for replay (FIFO), and replay steps per label. */
  replaySize: z.number().int().min(1).max(65536).default(256),
  replaySteps: z.number().int().min(0).max(256).default(8),
  /** Roll a model back automatically when its running error degrades sharply. */
  rollback: z.boolean().default(true),
  seed: z.number().int().default(1),
  /**
   * Folder of the model files (`<kind>.epnn`, relative to the working folder): loaded at start when
   * they exist, saved after every update. Unset: the models live in memory only (replays stay
   * reproducible).
   */
  modelDir: z.string().min(1).optional(),
};

export function learnerOptions(c: { minLabels: number; learningRate: number; hidden: number; replaySize: number; replaySteps: number; rollback: boolean; seed: number }): LearnerOptions {
  return { minLabels: c.minLabels, learningRate: c.learningRate, hidden: c.hidden, replaySize: c.replaySize, replaySteps: c.replaySteps, rollback: c.rollback, seed: c.seed };
}
