// Every sweep and ablation, newest first, with its progress.
import { api } from "../api/client";
import { useLoad } from "../hooks/useLoad";
import { useNow } from "../hooks/useNow";
import { absoluteTime, relativeTime } from "../state/runsTable";
import { shortPath } from "../state/sweepFields";
import { countsText, metricLabel } from "../state/sweepView";
import "./runs.css";
import "../components/sweeps/sweeps.css";

export function SweepsScreen() {
  const { data, error, retry } = useLoad(api.listSweeps);
  const sweeps = data ? [...data].sort((a, b) => b.id - a.id) : null;
  const now = useNow(30_000);
  return (
    <section class="sweeps-screen" aria-labelledby="sweeps-title">
      <h1 id="sweeps-title">Sweeps</h1>
      <p class="muted small sweeps-intro">
        A sweep trains many variations of one network, one per combination of the values you give,
        to see which settings work. Start one from the playground with <strong>Sweep…</strong>, or
        ablate a trained run from its page to see what each of its parts contributes.
      </p>
      {error && (
        <div class="banner error" role="alert">
          Could not load sweeps: {error}{" "}
          <button type="button" onClick={retry}>
            Retry now
          </button>
        </div>
      )}
      {!sweeps && !error && <p class="loading">Loading sweeps…</p>}
      {sweeps && sweeps.length === 0 && (
        <div class="empty panel" data-testid="sweeps-empty">
          No sweeps yet. <a href="#/play">Build a network</a> and press Sweep… next to Train.
        </div>
      )}
      {sweeps && sweeps.length > 0 && (
        <table class="runs-table panel sweeps-table" data-testid="sweeps-table">
          <thead>
            <tr>
              <th scope="col">Sweep</th>
              <th scope="col">Varies</th>
              <th scope="col">Progress</th>
              <th scope="col">Ranked by</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {sweeps.map((s) => (
              <tr key={s.id} data-testid="sweep-row" data-sweep-id={s.id}>
                <td>
                  <a href={`#/sweeps/${s.id}`}>
                    #{s.id} {s.name}
                  </a>{" "}
                  {s.kind === "ablation" && <span class="badge">ablation</span>}
                </td>
                <td>{s.params.map(shortPath).join(", ") || "seeds"}</td>
                <td>
                  <span class={`badge ${s.status}`}>{s.status}</span> {countsText(s)}
                </td>
                <td>final {metricLabel(s.metric)}</td>
                <td title={absoluteTime(s.created_at)}>{relativeTime(s.created_at, now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
