// Every screen's state lives in the URL hash, so a link reopens exactly what was on screen.
// The hash (not the path) keeps the app a set of static files any server can host.

import type { RunsQuery } from "../api/client";

/** The runs list's query as the URL keeps it (the page size is the screen's own). */
export type RunsFilter = Omit<RunsQuery, "limit">;

export type Route =
  | { screen: "play"; spec?: string; run?: number } // spec: encoded by state/url.ts
  | { screen: "runs"; filter: RunsFilter }
  | { screen: "run"; id: number }
  | { screen: "compare"; ids: number[] }
  | { screen: "sweeps" }
  | { screen: "sweep"; id: number };

const RUNS_KEYS = ["status", "name", "dataset", "tag", "sort", "cursor"] as const;

function positiveInt(s: string | null | undefined): number | undefined {
  if (!s || !/^\d{1,15}$/.test(s)) return undefined;
  const n = Number(s);
  return n > 0 ? n : undefined;
}

/** "#/runs/12" -> {screen: "run", id: 12}; anything unknown is the playground. */
export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, "");
  const [path, qs = ""] = raw.split("?", 2);
  const q = new URLSearchParams(qs);
  const parts = path.split("/").filter(Boolean);
  if (parts[0] === "runs" && parts.length === 2) {
    const id = positiveInt(parts[1]);
    if (id !== undefined) return { screen: "run", id };
  }
  if (parts[0] === "runs") {
    const filter: RunsFilter = {};
    for (const k of RUNS_KEYS) {
      const v = q.get(k);
      if (v) filter[k] = v;
    }
    if (q.has("desc")) filter.descending = q.get("desc") !== "0";
    return { screen: "runs", filter };
  }
  if (parts[0] === "sweeps") {
    const id = parts.length === 2 ? positiveInt(parts[1]) : undefined;
    return id !== undefined ? { screen: "sweep", id } : { screen: "sweeps" };
  }
  if (parts[0] === "compare") {
    const ids = (q.get("ids") ?? "")
      .split(",")
      .map((s) => positiveInt(s))
      .filter((n): n is number => n !== undefined);
    return { screen: "compare", ids: [...new Set(ids)] };
  }
  const route: Route = { screen: "play" };
  const spec = q.get("spec");
  if (spec) route.spec = spec;
  const run = positiveInt(q.get("run"));
  if (run !== undefined) route.run = run;
  return route;
}

/** The inverse of parseHash. */
export function formatHash(route: Route): string {
  const q = new URLSearchParams();
  switch (route.screen) {
    case "run":
      return `#/runs/${route.id}`;
    case "runs":
      for (const k of RUNS_KEYS) {
        const v = route.filter[k];
        if (v) q.set(k, v);
      }
      if (route.filter.descending !== undefined) q.set("desc", route.filter.descending ? "1" : "0");
      return q.size ? `#/runs?${q}` : "#/runs";
    case "sweeps":
      return "#/sweeps";
    case "sweep":
      return `#/sweeps/${route.id}`;
    case "compare":
      return route.ids.length ? `#/compare?ids=${route.ids.join(",")}` : "#/compare";
    case "play":
      if (route.spec) q.set("spec", route.spec);
      if (route.run !== undefined) q.set("run", String(route.run));
      return q.size ? `#/play?${q}` : "#/play";
  }
}

/** Go to a route; `replace` rewrites the current entry without a hashchange (for edits). */
export function navigate(route: Route, replace = false): void {
  const hash = formatHash(route);
  if (location.hash === hash) return;
  if (replace) {
    // Silent on purpose: the screen that called this already shows the new state.
    history.replaceState(null, "", hash);
  } else {
    location.hash = hash;
  }
}
