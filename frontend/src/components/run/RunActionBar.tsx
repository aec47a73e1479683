// A run's buttons: open in the playground, cancel (while active), rerun, delete, export.
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
}

export function RunActionBar({ run, status, onCancel, onRerun, onDelete }: BarProps) {
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
      <button type="button" class="danger" onClick={onDelete} data-testid="run-delete">
        Delete
      </button>
      <ExportMenu runId={run.id} />
      <span class="spacer" />
      <a href="#/runs">All runs</a>
    </div>
  );
}
