// A sweep's title, status and counts, and its actions: cancel (while it runs), delete.
import type { SweepView } from "../../api/types";
import { isActive } from "../../state/status";
import { countsText, metricLabel } from "../../state/sweepView";

export function SweepHeader({
  sweep,
  onCancel,
  onDelete,
}: {
  sweep: SweepView;
  onCancel: () => void;
  onDelete: () => void;
}) {
  const what = sweep.kind === "ablation" ? "Ablation" : "Sweep";
  return (
    <header class="panel run-header">
      <h1 id="sweep-title">
        {what} #{sweep.id} {sweep.name}{" "}
        <span class={`badge ${sweep.status}`} data-testid="sweep-status" data-status={sweep.status}>
          {sweep.status}
        </span>
      </h1>
      <p class="small" data-testid="sweep-counts">
        {countsText(sweep)} · ranked by final {metricLabel(sweep.metric)}
        {sweep.base_run_id !== null && (
          <>
            {" "}
            · from <a href={`#/runs/${sweep.base_run_id}`}>run #{sweep.base_run_id}</a>
          </>
        )}
      </p>
      <div class="run-actions">
        {isActive(sweep.status) && (
          <button type="button" class="danger" onClick={onCancel} data-testid="sweep-cancel">
            Cancel
          </button>
        )}
        <button type="button" class="danger" onClick={onDelete} data-testid="sweep-delete">
          Delete
        </button>
        <span class="spacer" />
        <a href="#/sweeps">All sweeps</a>
      </div>
    </header>
  );
}
