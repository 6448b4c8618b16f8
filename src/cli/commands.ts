// Table of CLI commands. Each command module is imported lazily so `edgeprop sim` does not load the
// learner and `edgeprop jobs` does not load serialport.
export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

export const commands: Record<string, Command> = {
  demo: {
    summary: "train a small network with the core engine and print its progress",
    run: async (argv) => (await import("./demo.ts")).runDemo(argv),
  },
  run: {
    summary: "find the sensor boards, keep them connected, show their status (--capture DIR to record)",
    run: async (argv) => (await import("./run.ts")).runRun(argv),
  },
  status: {
    summary: "is the controller healthy? boards, last job, models, disk, uptime: `status [--config FILE] [--json]` (exit 1 when not)",
    run: async (argv) => (await import("./status.ts")).runStatus(argv),
  },
  replay: {
    summary: "the controller's pipeline from captures: `replay --vib FILE --run FILE [--labels FILE] [--json]`",
    run: async (argv) => (await import("./replay.ts")).runReplay(argv),
  },
  eval: {
    summary: "evaluate the online learners: `eval --scenario NAME --jobs N --seed S` or `--vib F --run F --labels F` [--report DIR] [--json]",
    run: async (argv) => (await import("./eval.ts")).runEval(argv),
  },
  plugins: {
    summary: "load and check the installation's plugins and print them as a tree (--config FILE)",
    run: async (argv) => (await import("./plugins.ts")).runPlugins(argv),
  },
  config: {
    summary: "`config check FILE`: OK or each error with its code; `config schema`: the file's JSON Schema",
    run: async (argv) => (await import("./config.ts")).runConfig(argv),
  },
  sim: {
    summary: "simulate the VIB and RUN boards on a lathe: --pty (serial devices) or --out DIR (captures)",
    run: async (argv) => (await import("./sim.ts")).runSim(argv),
  },
  jobs: {
    summary: "the job log: `jobs list|show ID|export --format csv|jsonl|annotate ID` (--db FILE)",
    run: async (argv) => (await import("./jobs.ts")).runJobs(argv),
  },
  label: {
    summary: "label a job: `label (ID | --ordinal N) [--judder yes|no] [--dtv-um X] [--ra-um Y]`",
    run: async (argv) => (await import("./label.ts")).runLabel(argv),
  },
  backup: {
    summary: "`backup FILE`: a consistent copy of the job log, also while the controller runs",
    run: async (argv) => (await import("./backup.ts")).runBackup(argv),
  },
  restore: {
    summary: "`restore FILE`: replace the job log with a checked backup (the old log is kept aside)",
    run: async (argv) => (await import("./restore.ts")).runRestore(argv),
  },
  retrain: {
    summary: "retrain the learners from the job log: `retrain [--since DATE] [--epochs N] [--db FILE]` (promoted only if better on the newest jobs)",
    run: async (argv) => (await import("./retrain.ts")).runRetrain(argv),
  },
  models: {
    summary: "the model registry: `models list | promote VERSION | rollback [--kind K]`",
    run: async (argv) => (await import("./models.ts")).runModels(argv),
  },
};
