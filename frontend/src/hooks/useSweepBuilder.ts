// The sweep builder's state: the swept fields and their values as typed, the seeds, the
// sweep it makes (state/sweepBuild), and its submission (POST /api/sweeps -> #/sweeps/N).
import { useMemo, useState } from "preact/hooks";
import { ApiError, api, errorMessage } from "../api/client";
import type { Catalog, SpecJson, SweepMetric } from "../api/types";
import { navigate } from "../state/route";
import {
  buildSweep,
  newAxis,
  type SweepAxis,
  type SweepErrors,
  sweepErrors,
} from "../state/sweepBuild";
import { sweepFields } from "../state/sweepFields";

export function useSweepBuilder(spec: SpecJson, catalog: Catalog) {
  const fields = useMemo(() => sweepFields(spec, catalog), [spec, catalog]);
  const [axes, setAxes] = useState<SweepAxis[]>([]);
  const [seeds, setSeeds] = useState("1");
  const [samples, setSamples] = useState("8");
  const [metric, setMetric] = useState<SweepMetric | "">("");
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [server, setServer] = useState<SweepErrors | null>(null);
  const built = buildSweep(name, spec, axes, fields, seeds, samples, metric);

  const edit = (next: SweepAxis[]) => {
    setAxes(next);
    setServer(null); // the server's answer was about the sweep as it was
  };
  return {
    fields,
    axes,
    seeds,
    samples,
    drawing: axes.some((a) => a.mode === "random"),
    name,
    built,
    busy,
    server,
    add: (path: string) => {
      const field = fields.find((f) => f.path === path);
      if (field && !axes.some((a) => a.path === path)) edit([...axes, newAxis(field)]);
    },
    remove: (path: string) => edit(axes.filter((a) => a.path !== path)),
    change: (path: string, patch: Partial<SweepAxis>) =>
      edit(axes.map((a) => (a.path === path ? { ...a, ...patch } : a))),
    setSeeds: (s: string) => {
      setSeeds(s);
      setServer(null);
    },
    setSamples: (s: string) => {
      setSamples(s);
      setServer(null);
    },
    setName,
    metric,
    setMetric,
    submit: () => {
      if (!built.request || busy) return;
      setBusy(true);
      api.createSweep(built.request).then(
        (sweep) => navigate({ screen: "sweep", id: sweep.id }),
        (e: unknown) => {
          setBusy(false);
          const paths = axes.map((a) => a.path);
          setServer(
            e instanceof ApiError && e.items.length
              ? sweepErrors(e.items, paths)
              : { byPath: {}, general: [errorMessage(e)] },
          );
        },
      );
    },
  };
}
