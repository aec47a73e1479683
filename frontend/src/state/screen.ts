// The one source of truth for what the playground shows: the spec on screen, the run on
// screen, and a generation that changes whenever a whole new spec arrives (a preset, a link),
// so editors and server answers about the old spec start over instead of lingering.
import type { SpecJson } from "../api/types";

export interface ScreenState {
  spec: SpecJson;
  /** Bumped when a whole new spec replaces the one on screen: answers about older
   * generations (validation rows, the data preview) are stale. */
  generation: number;
  runId: number | undefined;
}

export type ScreenAction =
  | { type: "edit"; edit: (spec: SpecJson) => SpecJson } // a field changed: same generation
  | { type: "load"; spec: SpecJson } // a preset: the run on screen belongs to another spec
  | { type: "link"; spec: SpecJson | null; runId: number | undefined } // a followed link
  | { type: "run"; runId: number }; // Train created a run of the spec on screen

export function initialScreen(spec: SpecJson, runId: number | undefined): ScreenState {
  return { spec, generation: 0, runId };
}

export function screenReducer(state: ScreenState, action: ScreenAction): ScreenState {
  switch (action.type) {
    case "edit": {
      const spec = action.edit(state.spec);
      return spec === state.spec ? state : { ...state, spec };
    }
    case "load":
      return { spec: action.spec, generation: state.generation + 1, runId: undefined };
    case "link": {
      // A link's spec starts over with its own run (or none); a link with only a run keeps
      // the spec on screen.
      if (action.spec === null) {
        return action.runId === undefined || action.runId === state.runId
          ? state
          : { ...state, runId: action.runId };
      }
      return { spec: action.spec, generation: state.generation + 1, runId: action.runId };
    }
    case "run":
      return { ...state, runId: action.runId };
  }
}
