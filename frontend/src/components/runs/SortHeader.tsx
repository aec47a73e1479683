// A runs-table column header that sorts by its column; aria-sort tells which way.
import type { RunsFilter } from "../../state/route";
import { ariaSort, type SortKey, sortBy } from "../../state/runsTable";

export function SortHeader(props: {
  label: string;
  col: SortKey;
  filter: RunsFilter;
  go: (f: RunsFilter) => void;
  num?: boolean;
}) {
  const sort = ariaSort(props.filter, props.col);
  const arrow = sort === "ascending" ? "▲" : sort === "descending" ? "▼" : "";
  return (
    <th aria-sort={sort} class={props.num ? "num" : undefined}>
      <button type="button" class="sort" onClick={() => props.go(sortBy(props.filter, props.col))}>
        {props.label}
        <span aria-hidden="true" class="arrow">
          {arrow}
        </span>
      </button>
    </th>
  );
}
