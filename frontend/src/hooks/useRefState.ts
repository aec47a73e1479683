// State that callbacks (socket events, late answers) read as it is now, and that re-renders.
import { useRef, useState } from "preact/hooks";

/** [value at this render, read the current value, set it (re-renders when it changed)]. */
export function useRefState<S>(initial: S): [S, () => S, (next: S) => void] {
  const ref = useRef(initial);
  const [, setShown] = useState(initial);
  const get = useRef(() => ref.current).current;
  const set = useRef((next: S) => {
    ref.current = next;
    setShown(next);
  }).current;
  return [ref.current, get, set];
}
