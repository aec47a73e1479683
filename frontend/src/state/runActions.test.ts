import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { makeRun } from "../test/factories";
import { deletePrompt, type RunActionDeps, runActions } from "./runActions";

function setup(opts: { fail?: boolean; confirm?: boolean } = {}) {
  const reports: (string | null)[] = [];
  const calls: string[] = [];
  const answer = <T>(name: string, value: T) => {
    calls.push(name);
    return opts.fail ? Promise.reject(new ApiError(409, "not now")) : Promise.resolve(value);
  };
  const deps: RunActionDeps = {
    api: {
      patchRun: (id, patch) => answer(`patch ${id}`, makeRun({ id, ...patch })),
      cancelRun: (id) => answer(`cancel ${id}`, makeRun({ id, status: "cancelled" })),
      holdRun: (id, action) => answer(`${action} ${id}`, makeRun({ id, status: "running" })),
      rerun: (id) => answer(`rerun ${id}`, makeRun({ id: id + 1 })),
      deleteRun: (id) => answer(`delete ${id}`, undefined),
    },
    confirm: () => opts.confirm ?? true,
    report: (m) => reports.push(m),
  };
  return { actions: runActions(deps), reports, calls };
}

describe("run actions", () => {
  it("resolve to the server's answer and clear the message first", async () => {
    const { actions, reports, calls } = setup();
    expect((await actions.patch(3, { name: "b" }))?.name).toBe("b");
    expect((await actions.cancel(3))?.status).toBe("cancelled");
    expect((await actions.rerun(3))?.id).toBe(4);
    expect(await actions.remove(makeRun({ id: 3 }))).toBe(true);
    expect(calls).toEqual(["patch 3", "cancel 3", "rerun 3", "delete 3"]);
    expect(reports).toEqual([null, null, null, null]);
  });

  it("pause, step and resume a running run, and say which one failed", async () => {
    const { actions, calls } = setup();
    for (const action of ["pause", "step", "resume"] as const) await actions.hold(7, action);
    expect(calls).toEqual(["pause 7", "step 7", "resume 7"]);
    const failing = setup({ fail: true });
    expect(await failing.actions.hold(7, "step")).toBeNull();
    expect(failing.reports.at(-1)).toBe("Could not step run 7: not now");
  });

  it("report a failure as one message and resolve to null", async () => {
    const { actions, reports } = setup({ fail: true });
    expect(await actions.patch(3, { name: "b" }, "rename")).toBeNull();
    expect(reports).toEqual([null, "Could not rename run 3: not now"]);
    expect(await actions.remove(makeRun({ id: 5 }))).toBeNull();
    expect(reports.at(-1)).toBe("Could not delete run 5: not now");
  });

  it("delete nothing the user did not confirm", async () => {
    const { actions, calls, reports } = setup({ confirm: false });
    expect(await actions.remove(makeRun({ id: 3 }))).toBeNull();
    expect(calls).toEqual([]);
    expect(reports).toEqual([]);
  });

  it("warn that deleting an active run cancels it", () => {
    expect(deletePrompt(makeRun({ id: 2, name: "a" }))).toBe(
      'Delete run 2 "a" and all its metrics?',
    );
    expect(deletePrompt(makeRun({ id: 2, name: "a", status: "running" }))).toBe(
      'Delete run 2 "a" and all its metrics? It is still running and will be cancelled.',
    );
  });
});
