// The live view of the run the playground started: status, progress, Stop, and its charts;
// once it ends, whether the preset's claims held.
import { useMemo, useState } from "preact/hooks";
import type { Json, SpecJson } from "../api/types";
import { useRunActions } from "../hooks/useRunActions";
import { useRunStream } from "../hooks/useRunStream";
import { checkClaims } from "../state/claims";
import { formatDuration } from "../state/format";
import { progressView } from "../state/runProgress";
import { isActive } from "../state/status";
import { ErrorLines } from "./ErrorLines";
import { HoldButtons } from "./HoldButtons";
import { ProgressBar } from "./ProgressBar";
import { RunCharts } from "./RunCharts";
import { RunClaims } from "./RunClaims";
import { RunDataContext } from "./runDataContext";
import { SmoothingControl } from "./SmoothingControl";

interface Props {
  runId: number;
  expect?: Record<string, Json>; // the preset's claims, checked when the run ends
  data?: SpecJson["data"]; // the run's data spec (class names for its results)
}

export function RunPanel({ runId, expect, data }: Props) {
  const live = useRunStream(runId);
  const { history } = live;
  const [smoothing, setSmoothing] = useState(0.6);
  const actions = useRunActions();
  const status = history.status ?? "queued";
  const active = isActive(status);
  const p = history.progress();
  const view = progressView(status, p, history.result);
  const stop = () => actions.cancel(runId);
  const result = history.result;
  const checks = useMemo(
    () => (result && expect ? checkClaims(expect, { result, epochs: history.epochs }) : []),
    [result, expect, live.version],
  );
  return (
    <RunDataContext.Provider value={data ?? null}>
      <section class="panel" aria-label="Run status">
        <div class="status-line" data-testid="run-status-line">
          <span class={`badge ${status}`} data-testid="run-status" data-status={status}>
            {status}
          </span>
          <a href={`#/runs/${runId}`}>run #{runId}</a>
          <span class="stat" data-testid="run-epoch" data-state={view.state}>
            {view.text}
          </span>
          <span class="stat">elapsed {formatDuration(p.elapsedSeconds)}</span>
          {active && <span class="stat">ETA {formatDuration(p.etaSeconds)}</span>}
          {live.state === "reconnecting" && (
            <span class="badge queued" role="status">
              connection lost, reconnecting…
            </span>
          )}
          <span class="spacer" />
          <SmoothingControl value={smoothing} onChange={setSmoothing} />
          {status === "running" && (
            <HoldButtons paused={history.paused} onHold={(a) => actions.hold(runId, a)} />
          )}
          {active && (
            <button type="button" class="danger" onClick={stop} data-testid="stop">
              Stop
            </button>
          )}
        </div>
        <ProgressBar fraction={view.fraction} state={view.state} />
        {history.error && (
          <p class="error-text" role="alert" data-testid="run-error">
            {status}: {history.error}
          </p>
        )}
        <ErrorLines messages={[live.error, actions.error]} />
      </section>
      <RunClaims checks={checks} />
      <RunCharts history={history} version={live.version} smoothing={smoothing} runId={runId} />
    </RunDataContext.Provider>
  );
}
