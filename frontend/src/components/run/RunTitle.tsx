// A run's title line: its name (renamed in place), id, status and connection badges.
import { useState } from "preact/hooks";
import type { Run, RunStatus } from "../../api/types";
import { InlineEdit } from "../runs/InlineEdit";

interface TitleProps {
  run: Run;
  status: RunStatus;
  reconnecting: boolean;
  /** Resolves true once the new name is saved. */
  onRename: (name: string) => Promise<boolean>;
}

export function RunTitle({ run, status, reconnecting, onRename }: TitleProps) {
  const [renaming, setRenaming] = useState(false);
  const rename = (name: string) => {
    if (!name.trim()) return setRenaming(false);
    onRename(name.trim()).then((saved) => saved && setRenaming(false));
  };
  return (
    <div class="run-title">
      {renaming ? (
        <InlineEdit
          label="New name"
          initial={run.name}
          onSave={rename}
          onCancel={() => setRenaming(false)}
        />
      ) : (
        <>
          <h1 data-testid="run-name">{run.name}</h1>
          <button type="button" onClick={() => setRenaming(true)} aria-label="Rename this run">
            Rename
          </button>
        </>
      )}
      <span class="muted">#{run.id}</span>
      <span class={`badge ${status}`} data-testid="run-status" data-status={status}>
        {status}
      </span>
      {status === "queued" && run.queue_position !== null && (
        <span class="muted small">#{run.queue_position + 1} in queue</span>
      )}
      {reconnecting && (
        <span class="badge queued" role="status">
          connection lost, reconnecting…
        </span>
      )}
    </div>
  );
}
