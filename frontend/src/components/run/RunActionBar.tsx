// A run's buttons: open in the playground, cancel (while active), rerun, ablate, delete, export.
import type { Run, RunStatus } from "../../api/types";
import { navigate } from "../../state/route";
import { isActive } from "../../state/status";
import { encodeSpec } from "../../state/url";
import { ExportMenu } from "./ExportMenu";

interface BarProps {
  run: Run;
  status: RunStatus;
  onCancel: () => void;
  onRerun: () => void;
  onDelete: () => void;
  onAblate: () => void;
}

export function RunActionBar({ run, status, onCancel, onRerun, onDelete, onAblate }: BarProps) {
  return (
    <div class="run-actions">
      <button
        type="button"
        class="primary"
        onClick={() => navigate({ screen: "play", spec: encodeSpec(run.spec) })}
      >
        Open in playground
      </button>
      {isActive(status) && (
        <button type="button" class="danger" onClick={onCancel} data-testid="run-cancel">
          Cancel
        </button>
      )}
      <button type="button" onClick={onRerun} data-testid="run-rerun">
        Rerun
      </button>
      <button
        type="button"
        onClick={onAblate}
        data-testid="run-ablate"
        title="Train this run again without each of its parts, one at a time, to see what each adds"
      >
        Ablate
      </button>
      <button type="button" class="danger" onClick={onDelete} data-testid="run-delete">
        Delete
      </button>
      <ExportMenu runId={run.id} />
      <span class="spacer" />
      {run.sweep_id !== null && run.sweep_id !== undefined && (
        <a href={`#/sweeps/${run.sweep_id}`} data-testid="run-sweep-link">
          Its sweep (#{run.sweep_id})
        </a>
      )}
      <a href="#/runs">All runs</a>
    </div>
  );
}
