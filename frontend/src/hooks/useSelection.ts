// Runs picked for comparison, in click order; the logic is state/runsTable's.
import { useState } from "preact/hooks";
import { toggleAll, toggleId } from "../state/runsTable";

export interface Selection {
  ids: number[];
  toggle: (id: number) => void;
  /** The select-all box of a page showing `pageIds`. */
  toggleAll: (pageIds: number[]) => void;
  drop: (id: number) => void;
  /** Pick exactly these (a sweep's "best k"). */
  replace: (ids: number[]) => void;
}

export function useSelection(): Selection {
  const [ids, setIds] = useState<number[]>([]);
  return {
    ids,
    toggle: (id) => setIds((s) => toggleId(s, id)),
    toggleAll: (pageIds) => setIds((s) => toggleAll(s, pageIds)),
    drop: (id) => setIds((s) => s.filter((x) => x !== id)),
    replace: (next) => setIds(next),
  };
}
