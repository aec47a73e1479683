// The decision boundaries of runs that learn the same 2-D data set, side by side at one epoch.
import { useState } from "preact/hooks";
import type { Run } from "../../api/types";
import { lastEpoch } from "../../state/inspectCompare";
import { RunBoundary } from "./RunBoundary";
import "../inspect/inspect.css";

export function CompareBoundaries({
  runs,
  colorOf,
}: {
  runs: Run[];
  colorOf: (id: number) => string;
}) {
  const last = lastEpoch(runs);
  const [chosen, setChosen] = useState<number | null>(null);
  const epoch = Math.min(chosen ?? last, last);
  return (
    <section
      class="panel"
      aria-labelledby="compare-boundaries-title"
      data-testid="compare-boundaries"
    >
      <h2 id="compare-boundaries-title">Decision boundaries</h2>
      <p class="muted small">
        The same epoch for every run: see which setting carves the plane sooner or cleaner.
      </p>
      <label class="row timeline-label">
        Epoch <strong data-testid="compare-epoch">{epoch}</strong>
        <input
          type="range"
          min={0}
          max={last}
          step={1}
          value={epoch}
          data-testid="compare-epoch-slider"
          onInput={(e) => setChosen(Number((e.currentTarget as HTMLInputElement).value))}
        />
      </label>
      <div class="compare-boundaries">
        {runs.map((r) => (
          <RunBoundary key={r.id} run={r} epoch={epoch} color={colorOf(r.id)} />
        ))}
      </div>
    </section>
  );
}
