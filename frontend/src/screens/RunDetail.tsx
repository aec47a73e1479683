// One run: its header and actions, its full curves (stored history, then live), the pictures
// inside the network with their epoch slider, spec and layers.
// Data: hooks/useRunRecord (state/runRecord), hooks/useRunStream, hooks/useRunPageActions.
import { useEffect } from "preact/hooks";
import type { Catalog, Run, RunStatus } from "../api/types";
import { InsidePanels } from "../components/inspect/InsidePanels";
import { LayerTable } from "../components/run/LayerTable";
import { RunActionBar } from "../components/run/RunActionBar";
import { RunCurves } from "../components/run/RunCurves";
import { RunFacts } from "../components/run/RunFacts";
import { RunTitle } from "../components/run/RunTitle";
import { useNow } from "../hooks/useNow";
import { useRunPageActions } from "../hooks/useRunPageActions";
import { useRunRecord } from "../hooks/useRunRecord";
import { useRunStream } from "../hooks/useRunStream";
import { errorPrefix, isActive } from "../state/status";
import "./runs.css";

export function RunDetail({ id, catalog }: { id: number; catalog: Catalog }) {
  // A new id is a new page: nothing of the previous run's stream or state carries over.
  return <RunPage key={id} id={id} catalog={catalog} />;
}

function RunPage({ id, catalog }: { id: number; catalog: Catalog }) {
  const { load, retry, setRun, statusSeen } = useRunRecord(id);
  if (load.state === "loading") return <p class="loading">Loading run {id}…</p>;
  if (load.state === "missing")
    return (
      <div class="empty panel" data-testid="run-missing">
        Run {id} does not exist. <a href="#/runs">See all runs</a>
      </div>
    );
  if (load.state === "error")
    return (
      <div class="banner error" role="alert">
        Could not load run {id}: {load.message} <span class="muted">Retrying…</span>{" "}
        <button type="button" onClick={retry}>
          Retry now
        </button>
      </div>
    );
  return <RunView run={load.run} catalog={catalog} onChange={setRun} onStatus={statusSeen} />;
}

interface ViewProps {
  run: Run;
  catalog: Catalog;
  onChange: (run: Run) => void;
  onStatus: (status: RunStatus) => void;
}

function RunView({ run, catalog, onChange, onStatus }: ViewProps) {
  const epochs = typeof run.spec.training.epochs === "number" ? run.spec.training.epochs : null;
  const live = useRunStream(run.id, epochs);
  const { history } = live;
  const status = history.status ?? run.status;
  useEffect(() => {
    if (history.status) onStatus(history.status);
  }, [history.status]);
  const now = useNow(isActive(status) ? 1000 : 30_000);
  const actions = useRunPageActions(run, status, onChange);

  const error = run.error ?? history.error;
  const prefix = errorPrefix(status);
  const summary = run.summary ?? history.summary;
  const dataset = catalog.datasets.find((d) => d.id === run.dataset);
  const facts = { status, summary, device: history.device, epoch: history.progress().epoch };
  return (
    <article class="run-detail" data-testid="run-detail" data-run-id={run.id} data-status={status}>
      <header class="panel run-header">
        <RunTitle
          run={run}
          status={status}
          reconnecting={live.state === "reconnecting"}
          onRename={actions.rename}
        />
        {error && prefix && (
          <div class="run-failure" role="alert" data-testid="run-error">
            {prefix}
            {error}
          </div>
        )}
        {live.error && <p class="error-text">{live.error}</p>}
        <RunFacts run={run} live={facts} datasetTitle={dataset?.title ?? null} now={now} />
        <RunActionBar
          run={run}
          status={status}
          onCancel={actions.cancel}
          onRerun={actions.rerun}
          onDelete={actions.remove}
          onAblate={actions.ablate}
        />
        {actions.error && (
          <div class="banner error" role="alert">
            {actions.error}
          </div>
        )}
      </header>

      <RunCurves history={history} version={live.version} />

      {summary && (
        <InsidePanels
          runId={run.id}
          history={history}
          version={live.version}
          dataset={run.dataset}
        />
      )}

      {summary && <LayerTable summary={summary} />}

      <details class="panel run-spec">
        <summary>Spec (JSON)</summary>
        <pre data-testid="run-spec">{JSON.stringify(run.spec, null, 2)}</pre>
      </details>
    </article>
  );
}
