// Whether the window is at least `minWidth` CSS px wide, kept up to date on resize.
import { useEffect, useState } from "preact/hooks";

export function useInspectWide(minWidth: number): boolean {
  const query = `(min-width: ${minWidth}px)`;
  const [wide, setWide] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const mq = window.matchMedia(query);
    const on = () => setWide(mq.matches);
    mq.addEventListener("change", on);
    on();
    return () => mq.removeEventListener("change", on);
  }, [query]);
  return wide;
}
