// The playground's spec and run, kept in the URL: edits replace the URL (no history entry), a
// followed link replaces the spec; `generation` tells editors to start over with a new spec.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { SpecJson } from "../api/types";
import { isBadLink, linkedSpec } from "../state/playground";
import { navigate } from "../state/route";
import { starterSpec } from "../state/spec";
import { decodeSpec, encodeSpec } from "../state/url";

export interface PlaygroundSpec {
  spec: SpecJson;
  token: string; // the spec as the URL holds it
  update: (edit: (spec: SpecJson) => SpecJson) => void;
  /** A whole new spec (a preset): editors start over. */
  load: (spec: SpecJson) => void;
  generation: number;
  badLink: boolean;
  runId: number | undefined;
  setRunId: (id: number) => void;
}

export function usePlaygroundSpec(route: { spec?: string; run?: number }): PlaygroundSpec {
  const [spec, setSpec] = useState<SpecJson>(
    () => (route.spec && decodeSpec(route.spec)) || starterSpec(),
  );
  const [runId, setRunId] = useState<number | undefined>(route.run);
  const [generation, setGeneration] = useState(0);
  const load = (s: SpecJson) => {
    setSpec(s);
    setGeneration((g) => g + 1);
  };
  const token = useMemo(() => encodeSpec(spec), [spec]);

  // A link pasted or followed (hashchange) replaces what is on screen.
  const own = useRef(token);
  useEffect(() => {
    const linked = linkedSpec(route.spec, own.current);
    if (linked) load(linked);
    if (route.run !== undefined) setRunId(route.run);
  }, [route.spec, route.run]);

  // Edits go into the URL without adding history entries.
  useEffect(() => {
    own.current = token;
    navigate({ screen: "play", spec: token, run: runId }, true);
  }, [token, runId]);

  return {
    spec,
    token,
    update: (edit) => setSpec((s) => edit(s)),
    load,
    generation,
    badLink: isBadLink(route.spec),
    runId,
    setRunId,
  };
}
