// One sweep: its status and actions, every trial's boundary and loss live, the results table,
// parameters against the final metric, and for an ablation the table of what each part did.
// Data: hooks/useSweepRecord (GET, then the live stream: run/sweepLive).
import { EnsemblePanel } from "../components/runs/EnsemblePanel";
import { AblationResults } from "../components/sweeps/AblationResults";
import { ParallelCoords } from "../components/sweeps/ParallelCoords";
import { SweepEnsembleBar } from "../components/sweeps/SweepEnsembleBar";
import { SweepHeader } from "../components/sweeps/SweepHeader";
import { TrialGrid } from "../components/sweeps/TrialGrid";
import { TrialTable } from "../components/sweeps/TrialTable";
import { useEnsemble } from "../hooks/useEnsemble";
import { useSelection } from "../hooks/useSelection";
import { useBaseMetric, useSweepRecord } from "../hooks/useSweepRecord";
import { memberLabeler } from "../state/sweepEnsemble";
import { bestRunId } from "../state/sweepView";
import "./runs.css";
import "../components/sweeps/sweeps.css";

export function SweepDetail({ id }: { id: number }) {
  return <SweepPage key={id} id={id} />;
}

function SweepPage({ id }: { id: number }) {
  const rec = useSweepRecord(id);
  const selection = useSelection();
  const ensemble = useEnsemble();
  const { load } = rec;
  const sweep = load.state === "ready" ? load.sweep : null;
  const base = useBaseMetric(
    sweep?.kind === "ablation" ? sweep.base_run_id : null,
    sweep?.metric ?? "val_loss",
  );
  if (load.state === "loading") return <p class="loading">Loading sweep {id}…</p>;
  if (load.state === "missing")
    return (
      <div class="empty panel" data-testid="sweep-missing">
        Sweep {id} does not exist. <a href="#/sweeps">See all sweeps</a>
      </div>
    );
  if (load.state === "error")
    return (
      <div class="banner error" role="alert">
        Could not load sweep {id}: {load.message}
      </div>
    );
  const s = load.sweep;
  const bestId = bestRunId(s);
  const chart = s.kind === "sweep" && s.params.length > 0;
  return (
    <article
      class="sweep-detail"
      aria-labelledby="sweep-title"
      data-testid="sweep-detail"
      data-sweep-id={s.id}
    >
      <SweepHeader sweep={s} onCancel={rec.cancel} onDelete={rec.remove} />
      {(rec.actionError || rec.streamError) && (
        <div class="banner error" role="alert">
          {rec.actionError ?? rec.streamError}
        </div>
      )}
      {s.kind === "ablation" && <AblationResults sweep={s} base={base} />}
      <TrialGrid sweep={s} live={rec.live} bestId={bestId} onOpenSpec={rec.openSpec} />
      {/* Side by side on a wide screen: the table (and its ensemble) beside the chart. */}
      <div class={chart ? "sweep-results with-chart" : "sweep-results"}>
        <div class="sweep-results-main">
          <TrialTable
            sweep={s}
            bestId={bestId}
            picked={selection}
            tools={<SweepEnsembleBar sweep={s} selection={selection} ensemble={ensemble} />}
          />
          {ensemble.error && (
            <div class="banner error" role="alert" data-testid="ensemble-error">
              Could not score the ensemble: {ensemble.error}
            </div>
          )}
          {ensemble.result && (
            <EnsemblePanel
              out={ensemble.result}
              onClose={ensemble.close}
              label={memberLabeler(s)}
            />
          )}
        </div>
        {chart && <ParallelCoords sweep={s} bestId={bestId} />}
      </div>
    </article>
  );
}
