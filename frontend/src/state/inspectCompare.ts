// Compare's decision boundaries: shown side by side when every compared run learns the same
// 2-D data set, at one epoch chosen on a slider over all of them. Pure.
import type { Catalog, Run } from "../api/types";

/** The 2-D data set all runs share, or null (fewer than two runs, different sets, not 2-D). */
export function sharedPlaneDataset(
  runs: Pick<Run, "dataset">[],
  catalog: Pick<Catalog, "datasets">,
): string | null {
  if (runs.length < 2) return null;
  const ds = runs[0].dataset;
  if (!runs.every((r) => r.dataset === ds)) return null;
  return catalog.datasets.find((d) => d.id === ds)?.kind === "2d" ? ds : null;
}

/** The last epoch the slider reaches: the furthest any run got (its epochs done, else its planned ones). */
export function lastEpoch(runs: Pick<Run, "epochs_done" | "spec">[]): number {
  let max = 0;
  for (const r of runs) {
    const planned = typeof r.spec.training.epochs === "number" ? r.spec.training.epochs : 0;
    max = Math.max(max, r.epochs_done || planned);
  }
  return max;
}
