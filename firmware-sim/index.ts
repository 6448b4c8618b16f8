// Public surface of the firmware simulator: byte-exact VIB and RUN boards driven by a physical model
// of a brake disc on an on-car lathe (see firmware-sim/README.md).
export { Simulator, type SimOptions, type SimChunk, type FinishedJob } from "./simulator.ts";
export { scenarios, scenarioNames, getScenario, type Scenario } from "./scenarios.ts";
export type { FaultPlan, TimedFault, BoardName } from "./faults.ts";
export type { JobTruth, RevolutionTruth } from "./truth.ts";
export type { Label, LabelBasis } from "./labels.ts";
export { createPtyPair, type PtyPair, type PtyPairOptions } from "./pty.ts";
export { openPtyLink, type PtyLink, type PtyLinkOptions } from "./links/pty-link.ts";
export { createSimBinding, type SimBinding } from "./links/mock-binding.ts";
export { writeCaptures, type CaptureSummary } from "./links/capture-files.ts";
export { Pacer, type PacerOptions } from "./links/pacer.ts";
