// The shell: loads the catalog once, follows the URL hash, and shows one screen.
import { useEffect, useState } from "preact/hooks";
import { api } from "./api/client";
import type { Catalog } from "./api/types";
import { useLoad } from "./hooks/useLoad";
import { Compare } from "./screens/Compare";
import { Playground } from "./screens/Playground";
import { RunDetail } from "./screens/RunDetail";
import { RunsScreen } from "./screens/Runs";
import { SweepDetail } from "./screens/SweepDetail";
import { SweepsScreen } from "./screens/Sweeps";
import { parseHash, type Route } from "./state/route";

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

const NAV: { screen: Route["screen"]; href: string; label: string }[] = [
  { screen: "play", href: "#/play", label: "Playground" },
  { screen: "runs", href: "#/runs", label: "Runs" },
  { screen: "compare", href: "#/compare", label: "Compare" },
  { screen: "sweeps", href: "#/sweeps", label: "Sweeps" },
];

export function App() {
  const route = useRoute();
  const { data: catalog, error, retry } = useLoad(api.catalog);
  const current =
    route.screen === "run" ? "runs" : route.screen === "sweep" ? "sweeps" : route.screen;
  return (
    <>
      <header class="topbar">
        <a class="brand" href="#/play">
          NN Playground
        </a>
        <nav aria-label="Screens">
          {NAV.map((n) => (
            <a
              key={n.screen}
              href={n.href}
              aria-current={current === n.screen ? "page" : undefined}
            >
              {n.label}
            </a>
          ))}
        </nav>
      </header>
      <main>
        {error && (
          <div class="banner error" role="alert">
            {error}{" "}
            <button type="button" onClick={retry}>
              Retry now
            </button>
          </div>
        )}
        {!catalog && !error && <p class="loading">Loading…</p>}
        {catalog && <Screen route={route} catalog={catalog} />}
      </main>
    </>
  );
}

function Screen({ route, catalog }: { route: Route; catalog: Catalog }) {
  switch (route.screen) {
    case "play":
      return <Playground route={route} catalog={catalog} />;
    case "runs":
      return <RunsScreen route={route} catalog={catalog} />;
    case "run":
      return <RunDetail id={route.id} catalog={catalog} />;
    case "compare":
      return <Compare ids={route.ids} catalog={catalog} />;
    case "sweeps":
      return <SweepsScreen />;
    case "sweep":
      return <SweepDetail id={route.id} />;
  }
}
