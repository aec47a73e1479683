// The runs table: a select-all box, sortable headers and one RunRow per run, one of which
// may have a cell being edited.
import { useState } from "preact/hooks";
import type { Run } from "../../api/types";
import type { Selection } from "../../hooks/useSelection";
import type { RunsFilter } from "../../state/route";
import type { RunPatch } from "../../state/runActions";
import { allSelected, withFilter } from "../../state/runsTable";
import { RunRow } from "./RunRow";
import { SortHeader } from "./SortHeader";

interface TableProps {
  rows: Run[];
  filter: RunsFilter;
  go: (f: RunsFilter) => void;
  now: number;
  busy: boolean; // a new page is on its way
  selection: Selection;
  /** Resolves true once the change is saved (the cell closes then). */
  onPatch: (id: number, patch: RunPatch) => Promise<boolean>;
  onDelete: (run: Run) => void;
}

type Editing = { id: number; field: "name" | "tags" } | null;

export function RunsTable({
  rows,
  filter,
  go,
  now,
  busy,
  selection,
  onPatch,
  onDelete,
}: TableProps) {
  const [editing, setEditing] = useState<Editing>(null);
  const pageIds = rows.map((r) => r.id);
  return (
    <div class="runs-table-wrap panel" aria-busy={busy}>
      <table class="runs-table" data-testid="runs-table">
        <thead>
          <tr>
            <th class="check">
              <input
                type="checkbox"
                aria-label="Select every run on this page"
                checked={allSelected(selection.ids, pageIds)}
                onChange={() => selection.toggleAll(pageIds)}
              />
            </th>
            <SortHeader label="Name" col="name" filter={filter} go={go} />
            <th>Data set</th>
            <th class="wide-only">Model</th>
            <th class="wide-only">Optimizer</th>
            <SortHeader label="Status" col="status" filter={filter} go={go} />
            <SortHeader label="Best val acc" col="best_val_accuracy" filter={filter} go={go} num />
            <SortHeader label="Test acc" col="test_accuracy" filter={filter} go={go} num />
            <th class="num">Duration</th>
            <SortHeader label="Created" col="created_at" filter={filter} go={go} />
          </tr>
        </thead>
        <tbody>
          {rows.map((run) => (
            <RunRow
              key={run.id}
              run={run}
              now={now}
              selected={selection.ids.includes(run.id)}
              editing={editing?.id === run.id ? editing.field : null}
              onSelect={() => selection.toggle(run.id)}
              onEdit={(field) => setEditing(field ? { id: run.id, field } : null)}
              onPatch={(patch) => onPatch(run.id, patch).then((ok) => ok && setEditing(null))}
              onDelete={() => onDelete(run)}
              onTag={(tag) => go(withFilter(filter, { tag }))}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
