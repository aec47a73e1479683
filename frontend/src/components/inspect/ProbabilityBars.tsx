// A classifier's answer: the most likely classes as bars, the predicted one in bold.
import { classColor } from "../../charts/colors";
import { topClasses } from "../../state/inspectViews";

export interface ProbabilityBarsProps {
  probabilities: number[];
  names?: string[] | null;
  predicted: number | string;
  /** How many classes to list (default 5). */
  top?: number;
  testId?: string;
}

export function ProbabilityBars({
  probabilities,
  names,
  predicted,
  top = 5,
  testId,
}: ProbabilityBarsProps) {
  const rows = topClasses(probabilities, top, names);
  const isPredicted = (r: { index: number; name: string }) =>
    r.index === predicted || r.name === predicted;
  return (
    <ol class="prob-bars" data-testid={testId} data-predicted={String(predicted)}>
      {rows.map((r) => (
        <li key={r.index} class={isPredicted(r) ? "predicted" : undefined}>
          <span class="prob-name">{showName(r.name)}</span>
          <span class="prob-track">
            <span
              class="prob-fill"
              style={{ width: `${Math.round(r.p * 100)}%`, background: classColor(r.index) }}
            />
          </span>
          <span class="prob-value">{(r.p * 100).toFixed(1)} %</span>
        </li>
      ))}
    </ol>
  );
}

/** Characters a learner cannot see, named. */
function showName(name: string): string {
  if (name === " ") return "␣ (space)";
  if (name === "\n") return "↵ (new line)";
  return name;
}
