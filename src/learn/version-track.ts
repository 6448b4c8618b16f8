// One learner model's versions in the job log's model registry (src/store/models.ts), for the
// job-log variants of the learning plugins:
//
//   update()    every model update: the model file `models/<version>.epnn` beside the log (the same
//               folder `retrain` uses), a registry row (parent: the version it was made from; metrics:
//               the running prequential scores at that moment) made active at once;
//   rollback()  an automatic rollback: the registry's `rolled-back` event to the checkpoint's version,
//               with the reason (running losses, labels left out, scores);
//   poll()      someone else (dashboard, `models promote|rollback`, `retrain`) made another version
//               active: it is loaded, and the running learner continues from it;
//   loadActive() at start, the registry's active version (so a promote or rollback also holds
//               across a restart).
//
// Names: `<kind>-v<N>` (N the model's own update count, as in a log-less run) unless the registry
// already holds that name (an earlier run, or the branch abandoned by a rollback): then
// `<kind>-v<N>-2`, `-3`, …. Version files beyond the newest `keepFiles` of this kind are deleted
// (their rows stay, with their metrics; a promote of such a version is refused when it fails to
// load: `load-failed`, and the learner keeps its model). Not a hot path: once per label.
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { defaultDbPath, errorText, JobLog, type ModelInfo, type ModelRegistry } from "../store/index.ts";
import { loadOnlineModel, saveOnlineModel } from "./model-store.ts";
import type { OnlineModel, OnlineModelOptions, RollbackReport } from "./online-model.ts";

export const MODELS_FOLDER = "models";

/** A connection of the learner's own to the job log (`db`, else the default location), like the
 *  commands' (no owner lock: the job-log plugin owns the log); null, reported through `onError`,
 *  when it cannot be opened (the learner then runs on without registering versions). */
export function openModelLog(db: string | undefined, onError: (msg: string) => void): JobLog | null {
  const file = db ? resolve(db) : defaultDbPath();
  try {
    return JobLog.open(file);
  } catch (err) {
    onError(`model registry in ${file} not available (${errorText(err)}): model versions are not registered until the controller restarts`);
    return null;
  }
}

export class VersionTrack {
  /** Registry name of the model's current state, null while it has none (a new model). */
  current: string | null = null;
  /** Registry names of the model's versions on its current branch, by update count. */
  private readonly names = new Map<number, string>();
  /** Version files this kind's learners wrote, oldest first. */
  private readonly files: string[] = [];
  private readonly dir: string;
  /** An active version that failed to load: not tried again until the registry changes. */
  private refused: string | null = null;

  constructor(
    private readonly registry: ModelRegistry,
    /** The job log file; version files go to `models/` beside it. */
    dbFile: string,
    private readonly options: OnlineModelOptions,
    private readonly keepFiles = 20,
  ) {
    this.dir = resolve(dirname(dbFile), MODELS_FOLDER);
    const own = new RegExp(`^${options.kind.replace(/[^a-z0-9]/gi, "\\$&")}-v\\d+(-\\d+)?\\.epnn$`);
    for (const m of registry.list(options.kind)) if (m.path && dirname(m.path) === this.dir && own.test(basename(m.path)) && existsSync(m.path)) this.files.push(m.path);
  }

  get kind(): string {
    return this.options.kind;
  }

  /** The registry's name of the model's current state (its update count's, on this branch). */
  nameOf(model: OnlineModel): string | null {
    return this.names.get(model.version) ?? null;
  }

  /** At start: the registry's active version of this kind, loaded (falling back to its parents as
   *  the registry does), or null when there is none or none loads. */
  loadActive(onError: (msg: string) => void): OnlineModel | null {
    if (!this.registry.active(this.kind)) return null;
    return this.adopt(onError);
  }

  /** A model that did not come from the registry (a new one, or a file in modelDir): a loaded one is
   *  registered as it is, so estimates name a registered version. */
  begin(model: OnlineModel, metrics: object): void {
    if (this.current !== null) return;
    // A prior (src/learn/prior.ts) is registered under its own version: the parent of the first update.
    if (model.isPrior) this.update(model, { ...metrics, prior: true });
    else if (model.version > 0) this.update(model, { ...metrics, loadedFromModelDir: true });
  }

  update(model: OnlineModel, metrics: object): string {
    const name = this.freeName(model.versionName());
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, `${name}.epnn`);
    saveOnlineModel(model, file);
    this.registry.register({
      version: name, kind: this.kind, parent: this.current, path: `${MODELS_FOLDER}/${name}.epnn`, activate: true, quietly: true,
      metrics: { ...metrics, updates: model.version, labels: model.labels, rollbacks: model.rollbacks },
    });
    this.names.set(model.version, name);
    this.current = name;
    this.files.push(file);
    while (this.files.length > this.keepFiles) rmSync(this.files.shift()!, { force: true });
    return name;
  }

  /** After the model rolled itself back to the checkpoint `r.to` (an update of this branch). */
  rollback(model: OnlineModel, r: RollbackReport, scores: object): string {
    const from = this.current;
    for (const k of [...this.names.keys()]) if (k > r.to) this.names.delete(k);
    const reason = `automatic: running loss ${r.anchorError.toFixed(3)} against ${r.baseline.toFixed(3)} after ${from ?? "?"}; ` +
      `${r.dropped} recent label(s) left out of replay; running scores ${JSON.stringify(scores)}`;
    const to = this.names.get(r.to);
    if (to === undefined) {
      // The checkpoint predates this run's registrations (cannot happen with checkpoints kept in
      // memory only, but a restored state must still be named): register it, then record the rollback.
      const name = this.update(model, { ...scores, restoredCheckpoint: r.to });
      this.registry.rollbackTo(name, reason);
      return name;
    }
    this.registry.rollbackTo(to, reason);
    this.current = to;
    return to;
  }

  /** A model to continue from when the registry's active version is no longer this learner's. */
  poll(onError: (msg: string) => void): OnlineModel | null {
    const active = this.registry.active(this.kind);
    if (!active || active.version === this.current || active.version === this.refused) return null;
    return this.adopt(onError);
  }

  private adopt(onError: (msg: string) => void): OnlineModel | null {
    const wanted = this.registry.active(this.kind)?.version ?? null;
    try {
      const { model, value } = this.registry.loadActive(this.kind, (m) => this.load(m));
      this.refused = null;
      if (model.version === this.current) return null;
      this.names.clear();
      this.names.set(value.version, model.version);
      this.current = model.version;
      return value;
    } catch (err) {
      this.refused = wanted;
      onError(`${this.kind}: the registry's active version ${wanted} cannot be loaded (${errorText(err)}); keeping the running model`);
      return null;
    }
  }

  private load(m: ModelInfo): OnlineModel {
    if (!m.path) throw new Error(`${m.version} is stored in the log, not as a learner model file`);
    return loadOnlineModel(m.path, this.options);
  }

  private freeName(base: string): string {
    if (!this.registry.get(base)) return base;
    for (let k = 2; ; k++) if (!this.registry.get(`${base}-${k}`)) return `${base}-${k}`;
  }
}
