// The runs list with no rows: none stored yet, or none that match the filter.
import type { RunsFilter } from "../../state/route";

export function RunsEmpty({
  kind,
  filter,
  go,
}: {
  kind: "no-runs" | "no-match";
  filter: RunsFilter;
  go: (f: RunsFilter) => void;
}) {
  if (kind === "no-runs") {
    return (
      <div class="empty panel" data-testid="runs-empty">
        No runs yet — build one in the <a href="#/play">Playground</a>.
      </div>
    );
  }
  return (
    <div class="empty panel" data-testid="runs-empty">
      No runs match.{" "}
      <button
        type="button"
        onClick={() => go({ sort: filter.sort, descending: filter.descending })}
      >
        Clear filters
      </button>
    </div>
  );
}
