// "Gradient check" (D13): back-propagated gradients against centred finite differences, the
// largest relative error per layer. Run on demand: it is slower than the other views.
import { useState } from "preact/hooks";
import { useInspectView } from "../../hooks/useInspectView";
import { gradcheckOk } from "../../state/inspectHist";
import { viewBody } from "../../state/inspectRequest";
import { readGradcheck } from "../../state/inspectViews";
import { InsidePanel } from "./InsidePanel";

const sci = (v: number | null) => (v === null ? "—" : v.toExponential(1));

export function GradcheckPanel({ runId, snapshot }: { runId: number; snapshot: number | null }) {
  const [asked, setAsked] = useState<number | null | undefined>(undefined);
  const body = asked === undefined ? null : viewBody("gradcheck", asked);
  const view = useInspectView(runId, body, readGradcheck);
  const g = view.data;
  return (
    <InsidePanel
      title="Gradient check"
      explain="Compares the gradients back-propagation computes with slow numerical ones, (f(w+h) − f(w−h)) / 2h, in float64. A relative error of about 1e-7 or less means back-propagation is right; above 1e-5 something is off."
      testId="gradcheck"
      loading={view.loading}
      error={view.error}
    >
      <button
        type="button"
        onClick={() => setAsked(snapshot)}
        data-testid="gradcheck-run"
        disabled={view.loading}
      >
        {g ? "Check again" : "Check the gradients"}
      </button>
      {g && (
        <>
          <p data-testid="gradcheck-result" data-max-rel-error={g.maxRelError ?? ""}>
            Largest relative error <strong>{sci(g.maxRelError)}</strong>{" "}
            {gradcheckOk(g.maxRelError) ? (
              <span class="badge succeeded">gradients agree</span>
            ) : (
              <span class="badge failed">gradients differ</span>
            )}{" "}
            <span class="muted small">at epoch {g.epoch}</span>
          </p>
          <table class="small">
            <thead>
              <tr>
                <th>layer</th>
                <th>entries checked</th>
                <th>max relative error</th>
              </tr>
            </thead>
            <tbody>
              {g.layers.map((l) => (
                <tr key={l.layer}>
                  <td>
                    {l.layer.replace("model.", "")} {l.type}
                  </td>
                  <td>{l.entries}</td>
                  <td class={gradcheckOk(l.maxRelError) ? "" : "error-text"}>
                    {sci(l.maxRelError)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </InsidePanel>
  );
}
