// What a learning plugin does around one of its models after each change, in one place for judder
// (one model) and cut-quality (residual runout and Ra): the model file in `modelDir`, the version
// in the job log's registry (job-log variants, src/learn/version-track.ts), automatic rollbacks
// (logged, registered with their reason) and the live status on the plugin's status channel
// (src/learn/learner-status.ts). Registry or file trouble is logged and never stops the learner.
import type { Logger, ObjectWriter } from "../runtime/index.ts";
import { errorText } from "../store/index.ts";
import type { LearnerStatus } from "./learner-status.ts";
import { saveIn } from "./model-store.ts";
import type { OnlineModel, RollbackReport } from "./online-model.ts";
import type { JudderScores, RegressionScores } from "./running-scores.ts";
import type { VersionTrack } from "./version-track.ts";

export interface KeptModelHooks {
  /** The plugin's name (LearnerStatus.learner). */
  learner: string;
  /** The model as the learner holds it now, and how to make it hold another. */
  get(): OnlineModel;
  adopt(model: OnlineModel): void;
  modelDir: string | undefined;
  status: ObjectWriter<LearnerStatus>;
  log: Logger;
  scores(): JudderScores | RegressionScores;
  /** Whether the kind's estimates come from the network now. */
  inUse(): boolean;
  /** Counted by the plugin's metrics. */
  onRollback(r: RollbackReport): void;
}

export class KeptModel {
  private rolledBack = false;
  /** The registry side (job-log variants), set before start(). */
  private track: VersionTrack | null = null;

  constructor(private readonly h: KeptModelHooks) {
    this.attach(h.get());
  }

  attachTrack(track: VersionTrack): void {
    this.track = track;
  }

  /** The name estimates give the model's current version (the registry's in the job-log variants). */
  name(model: OnlineModel): string {
    return this.track?.nameOf(model) ?? model.versionName();
  }

  /** At start: the registry's active version replaces the model (a promote/rollback made while the
   *  controller was stopped); a model loaded from modelDir that the registry lacks is registered. */
  start(): void {
    const t = this.track;
    if (t) {
      this.guard("registry", () => {
        const active = t.loadActive((msg) => this.h.log.error(msg));
        if (active) this.swap(active, "start");
        else t.begin(this.h.get(), this.h.scores());
      });
    }
    this.publish("start");
  }

  /** After learner.learn(): `learned` when this model took the label. */
  learned(learned: boolean): void {
    if (!learned) return;
    if (this.rolledBack) {
      this.rolledBack = false; // registered and published by the rollback itself
      return;
    }
    const m = this.h.get();
    const t = this.track;
    if (t) this.guard("registry", () => t.update(m, this.h.scores()));
    this.guard("model file", () => saveIn(this.h.modelDir, m));
    this.publish("label");
  }

  /** Another version made active in the registry (dashboard, `models`, `retrain`): continue from it. */
  poll(): void {
    const t = this.track;
    if (!t) return;
    this.guard("registry", () => {
      const m = t.poll((msg) => this.h.log.error(msg));
      if (m) this.swap(m, "adopted");
    });
  }

  publish(cause: LearnerStatus["cause"]): void {
    const m = this.h.get();
    const version = this.track ? this.track.current : m.version > 0 || m.isPrior ? m.versionName() : null;
    this.h.status.push({
      learner: this.h.learner, kind: m.kind, version, source: this.h.inUse() ? (m.isPrior ? "prior" : "model") : "rule", labels: m.labels, rollbacks: m.rollbacks,
      scores: this.h.scores(), registry: this.track !== null, cause, time: Date.now(),
    });
  }

  private swap(m: OnlineModel, cause: "start" | "adopted"): void {
    this.h.adopt(m);
    this.attach(m);
    this.h.log.info({ kind: m.kind, version: this.track?.current, labels: m.labels }, `${m.kind} model ${this.track?.current} taken from the registry`);
    if (cause === "adopted") {
      this.guard("model file", () => saveIn(this.h.modelDir, m));
      this.publish("adopted");
    }
  }

  private attach(m: OnlineModel): void {
    m.onRollback = (r) => {
      this.rolledBack = true;
      this.h.onRollback(r);
      const t = this.track;
      if (t) this.guard("registry", () => t.rollback(m, r, this.h.scores()));
      this.guard("model file", () => saveIn(this.h.modelDir, m));
      this.publish("rollback");
    };
  }

  private guard(what: string, fn: () => unknown): void {
    try {
      fn();
    } catch (err) {
      this.h.log.error({ err: errorText(err) }, `${this.h.learner}: ${what}: ${errorText(err)}`);
    }
  }
}
