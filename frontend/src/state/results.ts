// A finished run's results as display rows: test metrics and the confusion matrix.
import { formatNumber, formatPercent } from "./format";

const METRIC_ORDER = ["accuracy", "loss", "mse", "mae", "r2"];
const METRIC_LABELS: Record<string, string> = {
  accuracy: "Accuracy",
  loss: "Loss",
  mse: "MSE",
  mae: "MAE",
  r2: "R²",
};

/** Test metrics in a fixed order, formatted: accuracy as %, the rest to 4 digits. */
export function testMetricRows(
  test: Record<string, number | null>,
): { key: string; label: string; value: string }[] {
  const keys = Object.keys(test).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return keys.map((key) => ({
    key,
    label: METRIC_LABELS[key] ?? key,
    value: key === "accuracy" ? formatPercent(test[key]) : formatNumber(test[key]),
  }));
}

function rank(key: string): number {
  const i = METRIC_ORDER.indexOf(key);
  return i < 0 ? METRIC_ORDER.length : i;
}

/** Counts with each row's share (row = true class), row totals and overall accuracy. */
export function confusionTable(confusion: number[][]): {
  counts: number[][];
  shares: number[][];
  rowTotals: number[];
  accuracy: number;
} {
  const rowTotals = confusion.map((row) => row.reduce((a, b) => a + b, 0));
  const shares = confusion.map((row, i) => row.map((c) => (rowTotals[i] ? c / rowTotals[i] : 0)));
  const total = rowTotals.reduce((a, b) => a + b, 0);
  const correct = confusion.reduce((a, row, i) => a + (row[i] ?? 0), 0);
  return { counts: confusion, shares, rowTotals, accuracy: total ? correct / total : NaN };
}
