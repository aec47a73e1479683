// The run the playground's URL shows (#/play?...&run=N), kept up to date: lets RunCharts mount
// the pictures inside the network for the playground's live run without being handed its id.
import { useEffect, useState } from "preact/hooks";
import { parseHash } from "../state/route";

function playRunId(): number | null {
  const route = parseHash(location.hash);
  return route.screen === "play" ? (route.run ?? null) : null;
}

export function useInspectRunId(given: number | undefined): number | null {
  const [fromRoute, setFromRoute] = useState<number | null>(() =>
    given === undefined ? playRunId() : null,
  );
  useEffect(() => {
    if (given !== undefined) return;
    const on = () => setFromRoute(playRunId());
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, [given]);
  return given ?? fromRoute;
}
