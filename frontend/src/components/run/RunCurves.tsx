// A run's curves with their smoothing control.
import { useState } from "preact/hooks";
import type { RunHistory } from "../../run/history";
import { RunCharts } from "../RunCharts";
import { SmoothingControl } from "../SmoothingControl";

export function RunCurves({ history, version }: { history: RunHistory; version: number }) {
  const [smoothing, setSmoothing] = useState(0.6);
  return (
    <section class="panel" aria-labelledby="curves-title">
      <h2 id="curves-title">
        Curves <span class="spacer" />
        <SmoothingControl value={smoothing} onChange={setSmoothing} />
      </h2>
      <RunCharts history={history} version={version} smoothing={smoothing} noInside />
    </section>
  );
}
