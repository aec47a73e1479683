// One compared run's decision boundary at the chosen epoch (the grid at or before it).

import type { Run } from "../../api/types";
import { BoundaryCanvas } from "../../charts/BoundaryCanvas";
import { useInspectTimeline } from "../../hooks/useInspectTimeline";
import { runLabel } from "../../state/compare";

export function RunBoundary({ run, epoch, color }: { run: Run; epoch: number; color: string }) {
  const { timeline, history } = useInspectTimeline(run.id, { boundaries: true });
  const boundary = timeline.boundaryAt(epoch);
  return (
    <figure
      class="compare-boundary"
      data-testid="compare-boundary"
      data-run-id={run.id}
      data-epoch={boundary?.epoch ?? ""}
    >
      <figcaption class="small">
        <span class="swatch" style={{ background: color }} aria-hidden="true" /> {runLabel(run)}
        {boundary && <span class="muted"> · epoch {boundary.epoch}</span>}
      </figcaption>
      <BoundaryCanvas
        boundary={boundary}
        points={history.plane}
        task={history.task}
        size={260}
        testId="compare-boundary-canvas"
      />
    </figure>
  );
}
