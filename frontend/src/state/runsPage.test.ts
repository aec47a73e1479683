import { describe, expect, it } from "vitest";
import type { RunEvent } from "../api/types";
import { makeRun } from "../test/factories";
import {
  emptyState,
  eventsReceived,
  INITIAL_RUNS_PAGE,
  loadFailed,
  loadStarted,
  loadSucceeded,
  type Page,
  rowChanged,
  rowRemoved,
} from "./runsPage";

const page = (...ids: number[]): Page => ({ rows: ids.map((id) => makeRun({ id })), next: null });
const status = (run_id: number, s: "queued" | "running"): RunEvent => ({
  type: "status",
  run_id,
  seq: 1,
  status: s,
  error: null,
});

function loaded(p: Page = page(2, 1)) {
  const s = loadStarted(INITIAL_RUNS_PAGE, false);
  return loadSucceeded(s, s.request, p).state;
}

describe("runs page loads", () => {
  it("shows the newest load's answer and drops older ones", () => {
    const first = loadStarted(INITIAL_RUNS_PAGE, false);
    const second = loadStarted(first, false);
    const late = loadSucceeded(second, first.request, page(9));
    expect(late.state).toBe(second); // the filter changed meanwhile: not this answer
    expect(loadFailed(second, first.request, "down")).toBe(second);
    const { state, again } = loadSucceeded(second, second.request, page(2, 1));
    expect(state.page?.rows.map((r) => r.id)).toEqual([2, 1]);
    expect(state.loading).toBe(false);
    expect(again).toBe(false);
  });

  it("shows Loading only for loads the user asked for", () => {
    const s = loaded();
    expect(loadStarted(s, true).loading).toBe(false);
    expect(loadStarted(s, false).loading).toBe(true);
    // A quiet load over a loud one still on its way keeps showing it.
    expect(loadStarted(loadStarted(s, false), true).loading).toBe(true);
  });

  it("keeps the page under an error, and clears the error with the next answer", () => {
    const s = loadStarted(loaded(), true);
    const failed = loadFailed(s, s.request, "The server cannot be reached.");
    expect(failed.error).toBe("The server cannot be reached.");
    expect(failed.page?.rows).toHaveLength(2);
    const retry = loadStarted(failed, true);
    expect(loadSucceeded(retry, retry.request, page(3)).state.error).toBeNull();
  });

  it("loads again when events came while a load was on its way", () => {
    const s = loadStarted(loaded(), true);
    const during = eventsReceived(s, [status(1, "running")], {}, 0).state;
    expect(loadSucceeded(during, during.request, page(2, 1)).again).toBe(true);
    // Events before the load started do not count.
    const before = eventsReceived(loaded(), [status(1, "running")], {}, 0).state;
    const next = loadStarted(before, true);
    expect(loadSucceeded(next, next.request, page(2, 1)).again).toBe(false);
  });
});

describe("runs page events and rows", () => {
  it("changes rows in place and asks for what it cannot know", () => {
    const out = eventsReceived(loaded(), [status(1, "running"), status(7, "queued")], {}, 0);
    expect(out.state.page?.rows.map((r) => r.status)).toEqual(["succeeded", "running"]);
    expect(out.refresh).toEqual([1]);
    expect(out.refetch).toBe(true);
  });

  it("applies nothing before the first page, but remembers that events came", () => {
    const s = loadStarted(INITIAL_RUNS_PAGE, false);
    const out = eventsReceived(s, [status(1, "running")], {}, 0);
    expect(out).toMatchObject({ refresh: [], refetch: false });
    expect(loadSucceeded(out.state, s.request, page(1)).again).toBe(true);
  });

  it("replaces and removes rows", () => {
    const s = loaded();
    expect(rowChanged(s, makeRun({ id: 1, name: "new" })).page?.rows[1].name).toBe("new");
    expect(rowChanged(s, makeRun({ id: 5 })).page?.rows).toHaveLength(2);
    expect(rowRemoved(s, 2).page?.rows.map((r) => r.id)).toEqual([1]);
    expect(rowRemoved(INITIAL_RUNS_PAGE, 2)).toBe(INITIAL_RUNS_PAGE);
  });

  it("tells no runs yet from no match", () => {
    const empty = loaded(page());
    expect(emptyState(empty, {})).toBe("no-runs");
    expect(emptyState(empty, { status: "failed" })).toBe("no-match");
    expect(emptyState(empty, { cursor: "abc" })).toBe("no-match");
    expect(emptyState(loaded(), {})).toBe("none");
    expect(emptyState(INITIAL_RUNS_PAGE, {})).toBe("none");
    expect(emptyState({ ...empty, error: "down" }, {})).toBe("none");
  });
});
