// First / next page of the runs list (the server pages by cursor).
import type { RunsFilter } from "../../state/route";
import { withFilter } from "../../state/runsTable";

export function RunsPager({
  filter,
  next,
  go,
}: {
  filter: RunsFilter;
  next: string | null;
  go: (f: RunsFilter) => void;
}) {
  return (
    <nav class="row runs-pager" aria-label="Pages">
      <button type="button" disabled={!filter.cursor} onClick={() => go(withFilter(filter, {}))}>
        First page
      </button>
      <button
        type="button"
        disabled={!next}
        onClick={() => next && go(withFilter(filter, { cursor: next }))}
      >
        Next page
      </button>
    </nav>
  );
}
