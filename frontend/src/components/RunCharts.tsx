// One run's charts, live or replayed: the test results once it ends, then loss, the decision
// boundary of 2-D sets, accuracy or error, learning rate and per-layer gradients; then the
// pictures inside the network (components/inspect) for the run `runId` names.
import { useMemo } from "preact/hooks";
import { BoundaryCanvas } from "../charts/BoundaryCanvas";
import { ChartCell } from "../charts/ChartCell";
import "../charts/charts.css";
import { LearningRateCell } from "../charts/LearningRateCell";
import { epochChart, layerChart, lossChart, taskCharts } from "../charts/runCharts";
import type { RunHistory } from "../run/history";
import { InsidePanels } from "./inspect/InsidePanels";
import { RunResults } from "./RunResults";

export interface RunChartsProps {
  history: RunHistory;
  /** history.version when the parent rendered: recomputes the chart data. */
  version: number;
  /** EMA weight of the step loss; 0 = raw only, > 0 = raw faint under the smoothed line. */
  smoothing: number;
  /** The run, for the pictures inside it; left out, none are shown. */
  runId?: number;
  /** Leave the pictures inside the network out (the run page shows them on their own). */
  noInside?: boolean;
}

export function RunCharts({ history: h, version, smoothing, runId, noInside }: RunChartsProps) {
  const insideId = runId ?? null;
  const loss = useMemo(() => lossChart(h, smoothing), [h, version, smoothing]);
  const tasks = useMemo(() => taskCharts(h), [h, version]);
  const lr = useMemo(() => epochChart(h, ["lr"]), [h, version]);
  const grads = useMemo(() => layerChart(h, "grad_norm"), [h, version]);
  const ratios = useMemo(() => layerChart(h, "update_ratio"), [h, version]);
  const started = h.epochs.epoch.length > 0 || h.steps.step.length > 0;
  const result = h.result;

  return (
    <div class="run-charts" data-testid="run-charts">
      {!started && (
        <p class="chart-empty" role="status" data-testid="charts-waiting">
          {h.terminal ? "This run reported no metrics." : "Waiting for the first epoch…"}
        </p>
      )}
      {result && <RunResults result={result} />}
      <div class="chart-grid">
        {started && <ChartCell title="Loss" xLabel="epoch" data={loss} version={version} />}
        {h.plane && (
          <section class="panel chart-cell boundary-cell" aria-label="Decision boundary">
            <h3 class="chart-title">
              Decision boundary{h.boundary ? ` · epoch ${h.boundary.epoch}` : ""}
            </h3>
            <BoundaryCanvas boundary={h.boundary} points={h.plane} task={h.task} />
          </section>
        )}
        {started &&
          tasks.map((c) => (
            <ChartCell
              key={c.title}
              title={c.title}
              xLabel="epoch"
              data={c.data}
              version={version}
              logY={c.logY}
              yRange={c.yRange}
            />
          ))}
        {lr.series.length > 0 && (
          <LearningRateCell data={lr} lr={h.epochs.metrics.lr} version={version} />
        )}
        {started && (
          <ChartCell
            title="Gradient norm"
            xLabel="epoch"
            data={grads}
            version={version}
            logY
            empty="Gradient norms appear after the first training epoch."
          />
        )}
        {ratios.series.length > 0 && (
          <ChartCell title="Update ratio" xLabel="epoch" data={ratios} version={version} logY />
        )}
      </div>
      {!noInside && insideId !== null && (
        <InsidePanels key={insideId} runId={insideId} history={h} version={version} />
      )}
    </div>
  );
}
