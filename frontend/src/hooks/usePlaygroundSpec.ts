// The playground's spec and run (state/screen.ts decides), kept in the URL: edits replace the
// URL (no history entry), a followed link replaces the spec; `generation` tells editors and
// server answers to start over with a new spec.
import { useEffect, useMemo, useReducer, useRef } from "preact/hooks";
import type { SpecJson } from "../api/types";
import { isBadLink, linkedSpec } from "../state/playground";
import { navigate } from "../state/route";
import { initialScreen, screenReducer } from "../state/screen";
import { starterSpec } from "../state/spec";
import { decodeSpec, encodeSpec } from "../state/url";

export interface PlaygroundSpec {
  spec: SpecJson;
  token: string; // the spec as the URL holds it
  update: (edit: (spec: SpecJson) => SpecJson) => void;
  /** A whole new spec (a preset): editors start over and the run on screen goes. */
  load: (spec: SpecJson) => void;
  generation: number;
  badLink: boolean;
  runId: number | undefined;
  setRunId: (id: number) => void;
}

export function usePlaygroundSpec(route: { spec?: string; run?: number }): PlaygroundSpec {
  const [state, dispatch] = useReducer(screenReducer, undefined, () =>
    initialScreen((route.spec && decodeSpec(route.spec)) || starterSpec(), route.run),
  );
  const { spec, generation, runId } = state;
  const token = useMemo(() => encodeSpec(spec), [spec]);

  // A link pasted or followed (hashchange) replaces what is on screen.
  const own = useRef(token);
  useEffect(() => {
    const linked = linkedSpec(route.spec, own.current);
    dispatch({ type: "link", spec: linked, runId: route.run });
  }, [route.spec, route.run]);

  // Edits go into the URL without adding history entries.
  useEffect(() => {
    own.current = token;
    navigate({ screen: "play", spec: token, run: runId }, true);
  }, [token, runId]);

  return {
    spec,
    token,
    update: (edit) => dispatch({ type: "edit", edit }),
    load: (s) => dispatch({ type: "load", spec: s }),
    generation,
    badLink: isBadLink(route.spec),
    runId,
    setRunId: (id) => dispatch({ type: "run", runId: id }),
  };
}
