// Every trial side by side, live: where a setting carves the plane better, or fails to learn.
import type { SweepView } from "../../api/types";
import type { SweepLive } from "../../run/sweepLive";
import { TrialTile } from "./TrialTile";

export function TrialGrid({
  sweep,
  live,
  bestId,
  onOpenSpec,
}: {
  sweep: SweepView;
  live: SweepLive;
  bestId: number | null;
  onOpenSpec: (runId: number) => void;
}) {
  return (
    <section class="panel" aria-labelledby="trial-grid-title">
      <h2 id="trial-grid-title">Trials</h2>
      <p class="muted small">
        Each tile is one run: its decision boundary (2-D data) and its loss (train solid, validation
        dashed) as it trains. Click a tile to open its run.
      </p>
      <ul class="trial-grid" data-testid="trial-grid">
        {sweep.trials.map((t) => (
          <TrialTile
            key={t.run_id}
            trial={t}
            history={live.histories.get(t.run_id)}
            metric={sweep.metric}
            best={t.run_id === bestId}
            onOpenSpec={onOpenSpec}
          />
        ))}
      </ul>
    </section>
  );
}
