// The decision boundary at the chosen epoch (from the stored grids), with "show test data" and
// "discretize output", larger on wide screens; a click on the plane asks the model about that
// point (try the model, 2-D sets).
import { useState } from "preact/hooks";
import type { BoundaryMessage, Plane } from "../../api/types";
import { BoundaryCanvas } from "../../charts/BoundaryCanvas";
import { useInspectView } from "../../hooks/useInspectView";
import { useInspectWide } from "../../hooks/useInspectWide";
import { formatNumber } from "../../state/format";
import { viewBody } from "../../state/inspectRequest";
import { readPredict } from "../../state/inspectViews";
import { InsidePanel } from "./InsidePanel";
import { ProbabilityBars } from "./ProbabilityBars";

export interface BoundaryPanelProps {
  runId: number;
  boundary: BoundaryMessage | null;
  points: Plane | null;
  task: "classification" | "regression" | null;
  /** The snapshot epoch a click asks (null: the newest). */
  snapshot: number | null;
  pickable: boolean;
}

export function BoundaryPanel({
  runId,
  boundary,
  points,
  task,
  snapshot,
  pickable,
}: BoundaryPanelProps) {
  const [showTest, setShowTest] = useState(true);
  const [discretize, setDiscretize] = useState(false);
  const [point, setPoint] = useState<[number, number] | null>(null);
  const wide = useInspectWide(1600);
  const body = pickable && point ? viewBody("predict", snapshot, { inputs: [point] }) : null;
  const answer = useInspectView(runId, body, readPredict);
  const out = answer.data?.outputs[0];
  return (
    <InsidePanel
      title={`Decision boundary${boundary ? ` · epoch ${boundary.epoch}` : ""}`}
      explain={
        pickable
          ? "What the network predicts everywhere on the plane at this epoch. Click anywhere on it to ask the model about that point."
          : "What the network predicts everywhere on the plane at this epoch."
      }
      testId="inside-boundary"
      waiting={boundary ? null : "The boundary appears after the first epoch."}
    >
      <div class="row small boundary-toggles">
        <label>
          <input
            type="checkbox"
            checked={showTest}
            data-testid="show-test"
            onChange={(e) => setShowTest((e.currentTarget as HTMLInputElement).checked)}
          />{" "}
          Show test data
        </label>
        <label>
          <input
            type="checkbox"
            checked={discretize}
            data-testid="discretize"
            onChange={(e) => setDiscretize((e.currentTarget as HTMLInputElement).checked)}
          />{" "}
          Discretize output
        </label>
      </div>
      <BoundaryCanvas
        boundary={boundary}
        points={points}
        task={task}
        size={wide ? 460 : 320}
        showTest={showTest}
        discretize={discretize}
        onPick={pickable ? (x, y) => setPoint([x, y]) : undefined}
        mark={point}
        classNames={answer.data?.classes}
        testId="timeline-boundary"
      />
      {point && (
        <div class="try-answer" data-testid="plane-answer">
          <p class="small">
            At ({formatNumber(point[0])}, {formatNumber(point[1])})
            {answer.loading && <span class="muted"> asking…</span>}
          </p>
          {answer.error && <p class="error-text small">{answer.error}</p>}
          {out?.kind === "class" && (
            <ProbabilityBars
              probabilities={out.probabilities}
              names={answer.data?.classes}
              predicted={out.predicted}
            />
          )}
          {out?.kind === "values" && (
            <p>
              prediction <strong>{out.values.map(formatNumber).join(", ")}</strong>
            </p>
          )}
        </div>
      )}
    </InsidePanel>
  );
}
