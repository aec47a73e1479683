// One row of the runs table: select, open, rename, tag, delete; status, results and times.
import type { Run } from "../../api/types";
import { formatDuration, formatPercent } from "../../state/format";
import {
  absoluteTime,
  modelSummary,
  optimizerLabel,
  parseTags,
  relativeTime,
  runDuration,
} from "../../state/runsTable";
import { InlineEdit } from "./InlineEdit";

interface RowProps {
  run: Run;
  now: number;
  selected: boolean;
  editing: "name" | "tags" | null;
  onSelect: () => void;
  onEdit: (field: "name" | "tags" | null) => void;
  onPatch: (patch: { name?: string; tags?: string[] }) => void;
  onDelete: () => void;
  onTag: (tag: string) => void;
}

export function RunRow({
  run,
  now,
  selected,
  editing,
  onSelect,
  onEdit,
  onPatch,
  onDelete,
  onTag,
}: RowProps) {
  const duration = runDuration(run, now);
  return (
    <tr
      data-testid="run-row"
      data-run-id={run.id}
      data-status={run.status}
      class={selected ? "selected" : undefined}
    >
      <td class="check">
        <input
          type="checkbox"
          aria-label={`Select run ${run.id} ${run.name}`}
          checked={selected}
          onChange={onSelect}
        />
      </td>
      <td class="name">
        {editing === "name" ? (
          <InlineEdit
            label={`New name for run ${run.id}`}
            initial={run.name}
            onSave={(v) => (v.trim() ? onPatch({ name: v.trim() }) : onEdit(null))}
            onCancel={() => onEdit(null)}
          />
        ) : (
          <a href={`#/runs/${run.id}`} data-testid="run-link">
            {run.name}
          </a>
        )}
        <span class="muted small"> #{run.id}</span>
        {editing === "tags" ? (
          <InlineEdit
            label={`Tags for run ${run.id}, separated by commas`}
            initial={run.tags.join(", ")}
            onSave={(v) => onPatch({ tags: parseTags(v) })}
            onCancel={() => onEdit(null)}
          />
        ) : (
          run.tags.length > 0 && (
            <div class="tags">
              {run.tags.map((t) => (
                <button
                  key={t}
                  type="button"
                  class="tag"
                  title={`Show runs tagged ${t}`}
                  onClick={() => onTag(t)}
                >
                  {t}
                </button>
              ))}
            </div>
          )
        )}
        {editing === null && (
          <div class="row-actions">
            <button
              type="button"
              onClick={() => onEdit("name")}
              aria-label={`Rename run ${run.id}`}
            >
              Rename
            </button>
            <button
              type="button"
              onClick={() => onEdit("tags")}
              aria-label={`Edit tags of run ${run.id}`}
            >
              Tags
            </button>
            <button
              type="button"
              class="danger"
              onClick={onDelete}
              aria-label={`Delete run ${run.id}`}
              data-testid="run-delete"
            >
              Delete
            </button>
          </div>
        )}
      </td>
      <td>{run.dataset}</td>
      <td class="wide-only model small">{modelSummary(run)}</td>
      <td class="wide-only small">{optimizerLabel(run.spec)}</td>
      <td>
        <span class={`badge ${run.status}`}>{run.status}</span>
        {run.status === "queued" && run.queue_position !== null && (
          <span class="small muted"> #{run.queue_position + 1} in queue</span>
        )}
        {run.error && (
          <div class="run-error small" title={run.error}>
            {run.error}
          </div>
        )}
      </td>
      <td class="num">{formatPercent(run.best_val_accuracy)}</td>
      <td class="num">{formatPercent(run.test_accuracy)}</td>
      <td class="num">{formatDuration(duration)}</td>
      <td>
        <time dateTime={run.created_at} title={absoluteTime(run.created_at)}>
          {relativeTime(run.created_at, now)}
        </time>
      </td>
    </tr>
  );
}
