// Public surface of the per-revolution signal processing (pure: typed arrays and numbers in, typed
// arrays out; nothing here knows about boards, files or plugins).
export { RunoutFit, RunoutResult, type RunoutOptions } from "./runout.ts";
export { RunoutWander, WanderResult } from "./runout-wander.ts";
export { NonSyncLine, LineResult, type NonSyncLineOptions } from "./nonsync-line.ts";
export { VibFeatures, type VibFeaturesOptions } from "./vib-features.ts";
export { FEATURE_NAMES, AXES, AXIS_BASE, AxisSlot, Feature, axisBlockSize, vibFeatureNames } from "./vib-layout.ts";
export { AngleGrid, type AngleGridOptions } from "./angle-grid.ts";
export { SyncAverage } from "./sync-average.ts";
export { BandSpectrum, DEFAULT_BANDS, SpectrumInput, type Band, type BandSpectrumOptions } from "./band-spectrum.ts";
export { axisMoments, Moment, MOMENT_SLOTS } from "./moments.ts";
export { FeatureSummary, SUMMARY_STATS, SummaryStat, summaryNames, type FeatureSummaryOptions } from "./feature-summary.ts";
