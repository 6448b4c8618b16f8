// Public surface of the job log (src/store): what the job-log plugin, the learner and the CLI use.
export { JobLog, PROCESS_ENDED, type JobLogOptions, type JobMeta, type JobStart, type LogEvent, type NewLabel } from "./job-log.ts";
export type { JobLogEntry, JobRecord, RevolutionFeatures, Wheel, EstimateSource } from "./job-record.ts";
export { jobRecordChannel } from "./job-record.ts";
export { countJobs, getJob, getJobByOrdinal, iterateJobs, iterateTrainingJobs, jobFeatures, listJobs, type ListOptions, type StoredRevolution, type TrainingJob } from "./job-queries.ts";
export { currentLabels, LABEL_SOURCES, WHEELS, type JobStatus, type Label, type LabelSource, type StoredJob } from "./rows.ts";
export { ModelRegistry, type ModelEvent, type ModelInfo, type NewModel } from "./models.ts";
export { CaptureStore, jobCaptures, pinCapture, type Board, type CaptureFs, type CaptureOptions, type CaptureState } from "./captures.ts";
export { backupDatabase, checkLogFile, restoreDatabase, type BackupOptions, type CheckedFile, type RestoreResult } from "./backup.ts";
export { openDatabase, moveAside, type OpenDatabaseOptions } from "./database.ts";
export { MIGRATIONS, SCHEMA_VERSION, migrate } from "./schema.ts";
export { acquireLock, lockHolder, lockPath } from "./lock.ts";
export { DB_FILE_NAME, defaultDataDir, defaultDbPath } from "./location.ts";
export { localDay, TIP_CUTS } from "./counters.ts";
export { decodeVector, encodeVector } from "./feature-blob.ts";
export { StoreError, StoreErrorCodes, errorText, isStoreError, type StoreErrorCode } from "./errors.ts";
