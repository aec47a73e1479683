// Compare's legend: each selected run's colour, link and status (or why it is missing), removable.

import { type Entry, runLabel } from "../../state/compare";

export function Legend(props: {
  ids: number[];
  entries: Map<number, Entry>;
  colorOf: (id: number) => string;
  onRemove: (id: number) => void;
}) {
  if (!props.ids.length) return null;
  return (
    <ul class="compare-legend panel" aria-label="Selected runs" data-testid="compare-legend">
      {props.ids.map((id) => {
        const e = props.entries.get(id);
        return (
          <li key={id} class="row">
            <span class="swatch" style={{ background: props.colorOf(id) }} aria-hidden="true" />
            {!e && <span class="muted">#{id} loading…</span>}
            {e && "run" in e && (
              <>
                <a href={`#/runs/${id}`}>{runLabel(e.run)}</a>
                <span class={`badge ${e.run.status}`}>{e.run.status}</span>
              </>
            )}
            {e && "error" in e && (
              <span class="error-text">
                {e.missing ? `Run ${id} does not exist` : `Run ${id}: ${e.error}`}
              </span>
            )}
            <button
              type="button"
              class="icon"
              aria-label={`Remove run ${id} from the comparison`}
              onClick={() => props.onRemove(id)}
            >
              ✕
            </button>
          </li>
        );
      })}
    </ul>
  );
}
