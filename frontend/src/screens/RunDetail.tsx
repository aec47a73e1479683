// One run: its header and actions, its full curves (stored history, then live), spec and layers.
import { useEffect, useState } from "preact/hooks";
import { ApiError, api, errorMessage } from "../api/client";
import type { Catalog, Run, RunStatus } from "../api/types";
import { RunCharts } from "../components/RunCharts";
import { Fact } from "../components/run/Fact";
import { LayerTable } from "../components/run/LayerTable";
import { InlineEdit } from "../components/runs/InlineEdit";
import { SmoothingControl } from "../components/SmoothingControl";
import { useRunStream } from "../hooks/useRunStream";
import { formatCount, formatDuration } from "../state/format";
import { navigate } from "../state/route";
import {
  absoluteTime,
  isActive,
  modelSummary,
  optimizerLabel,
  relativeTime,
  runDuration,
} from "../state/runsTable";
import { encodeSpec } from "../state/url";
import "./runs.css";

type Load =
  | { state: "loading" }
  | { state: "missing" }
  | { state: "error"; message: string }
  | { state: "ok"; run: Run };

export function RunDetail({ id, catalog }: { id: number; catalog: Catalog }) {
  // A new id is a new page: nothing of the previous run's stream or state carries over.
  return <RunPage key={id} id={id} catalog={catalog} />;
}

function RunPage({ id, catalog }: { id: number; catalog: Catalog }) {
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [attempt, setAttempt] = useState(0);
  const [liveStatus, setLiveStatus] = useState<RunStatus | null>(null);

  useEffect(() => {
    let current = true;
    api.getRun(id).then(
      (run) => current && setLoad({ state: "ok", run }),
      (e: unknown) => {
        if (!current) return;
        if (e instanceof ApiError && e.status === 404) setLoad({ state: "missing" });
        else setLoad((l) => (l.state === "ok" ? l : { state: "error", message: errorMessage(e) }));
      },
    );
    return () => {
      current = false;
    };
  }, [id, attempt, liveStatus]); // a status change from the stream: times and results changed too

  useEffect(() => {
    if (load.state !== "error") return;
    const t = setTimeout(() => setAttempt((a) => a + 1), 3000); // the server comes back by itself
    return () => clearTimeout(t);
  }, [load, attempt]);

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
        <button type="button" onClick={() => setAttempt((a) => a + 1)}>
          Retry now
        </button>
      </div>
    );
  return (
    <RunView
      run={load.run}
      catalog={catalog}
      onChange={(run) => setLoad({ state: "ok", run })}
      onStatus={(s) => s !== load.run.status && setLiveStatus(s)}
    />
  );
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

  const [smoothing, setSmoothing] = useState(0.6);
  const [renaming, setRenaming] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!isActive(status)) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [status]);

  const act = (what: string, p: Promise<unknown>) => {
    setActionError(null);
    p.catch((e: unknown) => setActionError(`Could not ${what}: ${errorMessage(e)}`));
  };
  const rename = (name: string) => {
    if (!name.trim()) return setRenaming(false);
    act(
      "rename",
      api.patchRun(run.id, { name: name.trim() }).then((r) => {
        onChange(r);
        setRenaming(false);
      }),
    );
  };
  const cancel = () => act("cancel", api.cancelRun(run.id).then(onChange));
  const rerun = () =>
    act(
      "rerun",
      api.rerun(run.id).then((r) => navigate({ screen: "run", id: r.id })),
    );
  const remove = () => {
    if (!confirm(`Delete run ${run.id} "${run.name}" and all its metrics?`)) return;
    act(
      "delete",
      api.deleteRun(run.id).then(() => navigate({ screen: "runs", filter: {} })),
    );
  };

  const error = run.error ?? history.error;
  const dataset = catalog.datasets.find((d) => d.id === run.dataset);
  const summary = run.summary ?? history.summary;
  return (
    <article class="run-detail" data-testid="run-detail" data-run-id={run.id} data-status={status}>
      <header class="panel run-header">
        <div class="run-title">
          {renaming ? (
            <InlineEdit
              label="New name"
              initial={run.name}
              onSave={rename}
              onCancel={() => setRenaming(false)}
            />
          ) : (
            <>
              <h1 data-testid="run-name">{run.name}</h1>
              <button type="button" onClick={() => setRenaming(true)} aria-label="Rename this run">
                Rename
              </button>
            </>
          )}
          <span class="muted">#{run.id}</span>
          <span class={`badge ${status}`} data-testid="run-status" data-status={status}>
            {status}
          </span>
          {status === "queued" && run.queue_position !== null && (
            <span class="muted small">#{run.queue_position + 1} in queue</span>
          )}
          {live.state === "reconnecting" && (
            <span class="badge queued" role="status">
              connection lost, reconnecting…
            </span>
          )}
        </div>
        {error && (status === "failed" || status === "diverged") && (
          <div class="run-failure" role="alert" data-testid="run-error">
            {status === "diverged" ? "Diverged: " : "Failed: "}
            {error}
          </div>
        )}
        {live.error && <p class="error-text">{live.error}</p>}
        <dl class="run-facts">
          <Fact
            label="Data set"
            value={dataset ? `${dataset.title} (${run.dataset})` : run.dataset}
          />
          <Fact label="Model" value={modelSummary({ summary, spec: run.spec }, 9)} />
          <Fact label="Optimizer" value={optimizerLabel(run.spec)} />
          <Fact label="Parameters" value={summary ? formatCount(summary.params) : "—"} />
          <Fact label="Device" value={run.device ?? history.device ?? "—"} />
          <Fact label="Seed" value={String(run.seed)} />
          <div>
            <dt>Created</dt>
            <dd>
              <time dateTime={run.created_at} title={absoluteTime(run.created_at)}>
                {relativeTime(run.created_at, now)}
              </time>
            </dd>
          </div>
          <Fact label="Duration" value={formatDuration(runDuration({ ...run, status }, now))} />
          <Fact
            label="Epochs"
            value={`${Math.max(run.epochs_done, history.progress().epoch)}${epochs ? ` / ${epochs}` : ""}`}
          />
          {run.tags.length > 0 && <Fact label="Tags" value={run.tags.join(", ")} />}
          {run.versions && (
            <Fact
              label="Versions"
              value={Object.entries(run.versions)
                .map(([k, v]) => `${k} ${v}`)
                .join(", ")}
            />
          )}
        </dl>
        <div class="run-actions">
          <button
            type="button"
            class="primary"
            onClick={() => navigate({ screen: "play", spec: encodeSpec(run.spec) })}
          >
            Open in playground
          </button>
          {isActive(status) && (
            <button type="button" class="danger" onClick={cancel} data-testid="run-cancel">
              Cancel
            </button>
          )}
          <button type="button" onClick={rerun} data-testid="run-rerun">
            Rerun
          </button>
          <button type="button" class="danger" onClick={remove} data-testid="run-delete">
            Delete
          </button>
          <span class="spacer" />
          <a href="#/runs">All runs</a>
        </div>
        {actionError && (
          <div class="banner error" role="alert">
            {actionError}
          </div>
        )}
      </header>

      <section class="panel" aria-labelledby="curves-title">
        <h2 id="curves-title">
          Curves <span class="spacer" />
          <SmoothingControl value={smoothing} onChange={setSmoothing} />
        </h2>
        <RunCharts history={history} version={live.version} smoothing={smoothing} />
      </section>

      {summary && <LayerTable summary={summary} />}

      <details class="panel run-spec">
        <summary>Spec (JSON)</summary>
        <pre data-testid="run-spec">{JSON.stringify(run.spec, null, 2)}</pre>
      </details>
    </article>
  );
}
