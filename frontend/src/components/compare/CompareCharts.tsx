// Compare's charts: one per metric any run has, every run's curve on a shared epoch axis.
import { LineChart } from "../../charts/LineChart";
import { alignByEpoch, compareCharts, type Loaded, runLabel } from "../../state/compare";

export function Charts({
  loaded,
  colorOf,
  version,
}: {
  loaded: Loaded[];
  colorOf: (id: number) => string;
  version: number;
}) {
  const charts = compareCharts(loaded.map((l) => l.series));
  if (!charts.length) return <div class="empty panel">These runs have no epoch metrics yet.</div>;
  return (
    <div class="compare-charts">
      {charts.map((c) => {
        const { x, values } = alignByEpoch(loaded.map((l) => l.series[c.key]));
        return (
          <div class="panel" key={c.key} data-testid="compare-chart" data-metric={c.key}>
            <LineChart
              title={c.title}
              xLabel="epoch"
              x={x}
              logY={c.logY}
              yRange={c.yRange}
              version={version}
              height={240}
              series={loaded.map((l, i) => ({
                label: runLabel(l.run),
                values: values[i],
                color: colorOf(l.run.id),
                spanGaps: true, // downsampled runs keep different epochs; lines stay whole
              }))}
            />
          </div>
        );
      })}
    </div>
  );
}
