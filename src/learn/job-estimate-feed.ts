// The features.revs side the learned plugins (judder, cut-quality) share: the job's inputs gathered
// over its revolutions (JobInputs), kept by ordinal for the labels that come later (PendingJobs), an
// estimate decided at the end of each cut pass (the last one counts) and sent once at the job's end.
import { featureRevs, StreamKind } from "../controller/channels.ts";
import type { PluginContext } from "../runtime/index.ts";
import { JobInputs } from "./job-inputs.ts";
import type { PendingJobs } from "./pending-jobs.ts";

export interface JobEstimateHooks<E> {
  /** At a cut pass's end, after the inputs are recorded in pending: the estimate from them.
   *  atUs: the board time of the pass's end. */
  decide(x: Float64Array, ordinal: number, atUs: number): E;
  /** At the job's end when an estimate was decided: the job's inputs, as seen (e.g. normalisers). */
  observe(x: Float64Array): void;
  /** The estimate sent for a job that ended without a decided one. */
  undecided(ordinal: number): E;
  send(estimate: E): void;
}

/** Reads features.revs for the plugin (call it where the plugin's reader used to be created). */
export function feedJobEstimates<E>(ctx: PluginContext, pending: PendingJobs, hooks: JobEstimateHooks<E>): void {
  const acc = new JobInputs();
  let decided: E | null = null;
  const fr = ctx.channels.reader(featureRevs, () => {
    for (let i = fr.next(); i >= 0; i = fr.next()) {
      for (let f = 0; f < cols.length; f++) row[f] = cols[f][i];
      acc.add(row);
      const kind = row[0];
      if (kind === StreamKind.START) decided = null;
      else if (kind === StreamKind.CUT_END && row[1] === acc.ordinal) {
        const x = acc.finish();
        pending.record(acc.ordinal, x);
        decided = hooks.decide(x, acc.ordinal, row[2]);
      } else if (kind === StreamKind.END && row[1] === acc.ordinal) {
        const x = pending.find(acc.ordinal);
        if (decided && x) hooks.observe(x);
        const estimate = decided ?? hooks.undecided(acc.ordinal);
        decided = null;
        hooks.send(estimate);
      }
    }
  });
  const cols = featureRevs.fields.map((f) => fr.column(f));
  const row = new Float64Array(cols.length);
}
