// One run's charts, live or replayed: the test results once it ends, then loss, the decision
// boundary of 2-D sets, accuracy or error, learning rate and per-layer gradients.
import { useMemo } from "preact/hooks";
import { BoundaryCanvas } from "../charts/BoundaryCanvas";
import { ConfusionMatrix } from "../charts/ConfusionMatrix";
import { LineChart } from "../charts/LineChart";
import { TestMetrics } from "../charts/TestMetrics";
import "../charts/charts.css";
import { epochChart, layerChart, lossChart, taskCharts } from "../charts/runCharts";
import type { ChartData } from "../charts/smooth";
import type { RunHistory } from "../run/history";

export interface RunChartsProps {
  history: RunHistory;
  /** history.version when the parent rendered: recomputes the chart data. */
  version: number;
  /** EMA weight of the step loss; 0 = raw only, > 0 = raw faint under the smoothed line. */
  smoothing: number;
}

export function RunCharts({ history: h, version, smoothing }: RunChartsProps) {
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
      {result && (
        <div class="chart-grid results">
          <section class="panel chart-cell">
            <TestMetrics result={result} />
          </section>
          {result.confusion && result.confusion.length > 0 && (
            <section class="panel chart-cell">
              <ConfusionMatrix
                confusion={result.confusion}
                perClassAccuracy={result.per_class_accuracy}
              />
            </section>
          )}
        </div>
      )}
      <div class="chart-grid">
        {started && <Chart title="Loss" xLabel="epoch" data={loss} version={version} />}
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
            <Chart
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
          <Chart title="Learning rate" xLabel="epoch" data={lr} version={version} />
        )}
        {started && (
          <Chart
            title="Gradient norm"
            xLabel="epoch"
            data={grads}
            version={version}
            logY
            empty="Gradient norms appear after the first training epoch."
          />
        )}
        {ratios.series.length > 0 && (
          <Chart title="Update ratio" xLabel="epoch" data={ratios} version={version} logY />
        )}
      </div>
    </div>
  );
}

function Chart(props: {
  title: string;
  xLabel: string;
  data: ChartData;
  version: number;
  logY?: boolean;
  yRange?: [number, number];
  empty?: string;
}) {
  const { data } = props;
  return (
    <section class="panel chart-cell">
      {data.series.length ? (
        <LineChart
          title={props.title}
          xLabel={props.xLabel}
          x={data.x}
          series={data.series}
          version={props.version}
          logY={props.logY}
          yRange={props.yRange}
        />
      ) : (
        <>
          <h3 class="chart-title">{props.title}</h3>
          <p class="chart-empty">{props.empty ?? "Waiting for the first epoch…"}</p>
        </>
      )}
    </section>
  );
}
