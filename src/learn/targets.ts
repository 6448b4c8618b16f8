// What each learner is taught from a job's labels and the controller's own measurements.
//
//   judder          labels.judder when given; otherwise, when the technician recorded dtvUm, the
//                   datasheet's definition for measured discs: DTV ≥ 15 µm or LRO before the cut
//                   (the controller's own lroPreUm) ≥ 50 µm; otherwise no label.
//   residual runout measured.lroPostUm: the check pass's own median LRO (every complete job has it).
//   Ra              labels.raUm when the profilometer reading was recorded; otherwise no label.
export const JUDDER_DTV_UM = 15;
export const JUDDER_LRO_UM = 50;

export interface JobLabels {
  judder: boolean | null;
  dtvUm: number | null;
  raUm: number | null;
}

/** 1 / 0, or NaN when the job gives no judder label. */
export function judderTarget(labels: JobLabels | null, lroPreUm: number | null): number {
  if (!labels) return Number.NaN;
  if (labels.judder !== null && labels.judder !== undefined) return labels.judder ? 1 : 0;
  if (typeof labels.dtvUm === "number" && Number.isFinite(labels.dtvUm)) {
    return labels.dtvUm >= JUDDER_DTV_UM || (lroPreUm !== null && lroPreUm >= JUDDER_LRO_UM) ? 1 : 0;
  }
  return Number.NaN;
}

export function raTarget(labels: JobLabels | null): number {
  return labels && typeof labels.raUm === "number" && Number.isFinite(labels.raUm) ? labels.raUm : Number.NaN;
}

export function residualTarget(lroPostUm: number | null): number {
  return lroPostUm !== null && Number.isFinite(lroPostUm) ? lroPostUm : Number.NaN;
}
