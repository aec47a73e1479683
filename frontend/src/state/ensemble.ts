// Ensembles from the runs list: which selections can be scored together, and the table of
// members beside the ensemble.
import type { EnsembleOut, Run } from "../api/types";
import { formatPercent } from "./format";

/** Why the selected runs cannot form an ensemble, or null when they can. Runs not on this
 * page are left to the server, which names the one that does not fit. */
export function ensembleProblem(selected: number[], rows: Run[]): string | null {
  if (selected.length < 2) return "Select at least two runs of the same data";
  const shown = rows.filter((r) => selected.includes(r.id));
  const data = new Set(shown.map((r) => JSON.stringify(r.spec.data)));
  if (data.size > 1) return "An ensemble needs runs trained on the same data (same data spec)";
  return null;
}

export interface EnsembleRow {
  label: string;
  runId: number | null; // null: the ensemble itself
  accuracy: number | null;
  loss: number | null;
}

/** The members in request order, then the ensemble; `label` names a member (the sweep page
 * says which trial it is). */
export function ensembleRows(
  out: EnsembleOut,
  label: (runId: number) => string = (id) => `Run ${id}`,
): EnsembleRow[] {
  const members = out.members.map((m) => ({
    label: label(m.run_id),
    runId: m.run_id,
    accuracy: m.test_accuracy ?? null,
    loss: m.test_loss,
  }));
  const method = out.method === "vote" ? "majority vote" : "mean probability";
  return [
    ...members,
    {
      label: `Ensemble (${method})`,
      runId: null,
      accuracy: out.ensemble.test_accuracy ?? null,
      loss: out.ensemble.test_loss ?? null,
    },
  ];
}

/** The mean of the members' test accuracies (null for regression). */
export function meanMemberAccuracy(out: EnsembleOut): number | null {
  const accs = out.members.map((m) => m.test_accuracy);
  if (accs.some((a) => a === null || a === undefined)) return null;
  return (accs as number[]).reduce((a, b) => a + b, 0) / accs.length;
}

/** "The ensemble scores 92.5 % against 85.0 % for the mean member (+7.5 points).": the one
 * comparison a learner should look at; null for regression. */
export function ensembleVerdict(out: EnsembleOut): string | null {
  const mean = meanMemberAccuracy(out);
  const acc = out.ensemble.test_accuracy;
  if (mean === null || acc === null || acc === undefined) return null;
  const points = (acc - mean) * 100;
  const sign = points > 0.05 ? "+" : points < -0.05 ? "−" : "±";
  return (
    `The ensemble scores ${formatPercent(acc)} against ${formatPercent(mean)} for the mean ` +
    `member (${sign}${Math.abs(points).toFixed(1)} points).`
  );
}
