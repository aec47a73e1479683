// The live view of the run the playground started: status, progress, Stop, and its charts.
import { useState } from "preact/hooks";
import { useRunActions } from "../hooks/useRunActions";
import { useRunStream } from "../hooks/useRunStream";
import { formatDuration } from "../state/format";
import { isActive } from "../state/status";
import { ErrorLines } from "./ErrorLines";
import { ProgressBar } from "./ProgressBar";
import { RunCharts } from "./RunCharts";
import { SmoothingControl } from "./SmoothingControl";

export function RunPanel({ runId }: { runId: number }) {
  const live = useRunStream(runId);
  const { history } = live;
  const [smoothing, setSmoothing] = useState(0.6);
  const actions = useRunActions();
  const status = history.status ?? "queued";
  const active = isActive(status);
  const p = history.progress();
  const stop = () => actions.cancel(runId);
  return (
    <>
      <section class="panel" aria-label="Run status">
        <div class="status-line" data-testid="run-status-line">
          <span class={`badge ${status}`} data-testid="run-status" data-status={status}>
            {status}
          </span>
          <a href={`#/runs/${runId}`}>run #{runId}</a>
          <span class="stat" data-testid="run-epoch">
            epoch {p.epoch}
            {p.totalEpochs ? ` / ${p.totalEpochs}` : ""}
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
          {active && (
            <button type="button" class="danger" onClick={stop} data-testid="stop">
              Stop
            </button>
          )}
        </div>
        <ProgressBar fraction={p.fraction} />
        {history.error && (
          <p class="error-text" role="alert" data-testid="run-error">
            {status}: {history.error}
          </p>
        )}
        <ErrorLines messages={[live.error, actions.error]} />
      </section>
      <RunCharts history={history} version={live.version} smoothing={smoothing} />
    </>
  );
}
