// The learning rate: a chart when a schedule changes it, one line of text when it is constant
// (a flat line would take a whole cell to say one number).
import { constantLrText } from "../state/results";
import { ChartCell } from "./ChartCell";
import type { ChartData } from "./smooth";

export function LearningRateCell({
  data,
  lr,
  version,
}: {
  data: ChartData; // epochChart(history, ["lr"])
  lr: ArrayLike<number> | undefined; // history.epochs.metrics.lr
  version: number;
}) {
  const text = constantLrText(lr);
  if (text) {
    return (
      <p class="panel chart-note small" data-testid="lr-constant">
        {text}
      </p>
    );
  }
  return <ChartCell title="Learning rate" xLabel="epoch" data={data} version={version} />;
}
