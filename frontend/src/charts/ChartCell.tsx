// One chart in a grid of charts: a titled line chart, or its title and why it is empty.
import { LineChart } from "./LineChart";
import type { ChartData } from "./smooth";

export function ChartCell(props: {
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
