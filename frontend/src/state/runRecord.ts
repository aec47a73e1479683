// A run's page: its stored record as loaded (loading, missing, failed, or there), and the facts
// shown about it, merged from the record and the live stream.
import type { Run, RunStatus, Summary } from "../api/types";
import { formatCount, formatDuration } from "./format";
import { modelSummary, optimizerLabel, runDuration } from "./runsTable";

export type RunLoad =
  | { state: "loading" }
  | { state: "missing" }
  | { state: "error"; message: string }
  | { state: "ok"; run: Run };

/** A failed load: 404 means the run is gone; another failure keeps a record already shown. */
export function loadFailed(prev: RunLoad, status: number, message: string): RunLoad {
  if (status === 404) return { state: "missing" };
  return prev.state === "ok" ? prev : { state: "error", message };
}

/** Whether a status from the stream should reload the record (its times and results changed). */
export function statusChanged(load: RunLoad, status: RunStatus): boolean {
  return load.state === "ok" && status !== load.run.status;
}

/** What the stream knows that the record may not yet. */
export interface LiveFacts {
  status: RunStatus;
  summary: Summary | null;
  device: string | null;
  epoch: number; // epochs completed
}

/** Label and text of the run's facts, in order (Created is drawn apart, as a <time>). */
export function runFacts(
  run: Run,
  live: LiveFacts,
  datasetTitle: string | null,
  now: number,
): { label: string; value: string }[] {
  const summary = run.summary ?? live.summary;
  const epochs = typeof run.spec.training.epochs === "number" ? run.spec.training.epochs : null;
  const facts = [
    { label: "Data set", value: datasetTitle ? `${datasetTitle} (${run.dataset})` : run.dataset },
    { label: "Model", value: modelSummary({ summary, spec: run.spec }, 9) },
    { label: "Optimizer", value: optimizerLabel(run.spec) },
    { label: "Parameters", value: summary ? formatCount(summary.params) : "—" },
    { label: "Device", value: run.device ?? live.device ?? "—" },
    { label: "Seed", value: String(run.seed) },
    { label: "Duration", value: formatDuration(runDuration({ ...run, status: live.status }, now)) },
    {
      label: "Epochs",
      value: `${Math.max(run.epochs_done, live.epoch)}${epochs ? ` / ${epochs}` : ""}`,
    },
  ];
  if (run.tags.length > 0) facts.push({ label: "Tags", value: run.tags.join(", ") });
  if (run.versions) {
    const versions = Object.entries(run.versions).map(([k, v]) => `${k} ${v}`);
    facts.push({ label: "Versions", value: versions.join(", ") });
  }
  return facts;
}
