// FGSM: x' = x + eps * sign(grad of the loss) for one sample, and how the prediction changes (H5).
import { useState } from "preact/hooks";
import { type SampleViewProps, useSampleView } from "../../hooks/useInspectView";
import { gridPlane } from "../../state/inspectGrid";
import { readAdversarial } from "../../state/inspectViews";
import { ImageTile } from "./ImageTile";
import { InsidePanel } from "./InsidePanel";
import { ProbabilityBars } from "./ProbabilityBars";

export function AdversarialPanel(p: SampleViewProps) {
  const { index } = p;
  const [eps, setEps] = useState(0.1);
  const view = useSampleView("adversarial", p, readAdversarial, { eps }, 250);
  const a = view.data;
  const flipped = a ? a.before.predicted !== a.after.predicted : false;
  return (
    <InsidePanel
      title={`Adversarial example (FGSM) · sample ${index}`}
      explain="A small push of every pixel in the direction that raises the loss. Grow eps and watch the prediction flip while the picture still looks like the same digit to you."
      testId="adversarial"
      view={view}
      wide
    >
      <label class="row small">
        eps <strong data-testid="eps-value">{eps.toFixed(2)}</strong>
        <input
          type="range"
          min={0.01}
          max={1}
          step={0.01}
          value={eps}
          data-testid="eps"
          onInput={(e) => setEps(Number((e.currentTarget as HTMLInputElement).value))}
        />
        <span class="muted">(in the model's normalised input units)</span>
      </label>
      {a && (
        <div
          class="row adversarial"
          data-eps={a.eps}
          data-before={String(a.before.predicted)}
          data-after={String(a.after.predicted)}
        >
          <ImageTile
            plane={gridPlane(a.input)}
            map="ink"
            caption={`original (label ${String(a.label)})`}
            size={96}
          />
          <span class="op">+</span>
          <ImageTile
            plane={gridPlane(a.perturbation)}
            map="diverging"
            caption={`eps × sign(gradient)`}
            size={96}
          />
          <span class="op">=</span>
          <ImageTile
            plane={gridPlane(a.perturbed)}
            map="ink"
            caption="adversarial"
            size={96}
            testId="adversarial-image"
          />
          <div class="before-after">
            <p class="small">
              before: <strong>{String(a.before.predicted)}</strong>
            </p>
            <ProbabilityBars
              probabilities={a.before.probabilities}
              predicted={a.before.predicted}
              top={3}
            />
            <p class="small">
              after: <strong data-testid="after-predicted">{String(a.after.predicted)}</strong>{" "}
              {flipped ? (
                <span class="badge failed">flipped</span>
              ) : (
                <span class="badge succeeded">holds</span>
              )}
            </p>
            <ProbabilityBars
              probabilities={a.after.probabilities}
              predicted={a.after.predicted}
              top={3}
            />
          </div>
        </div>
      )}
    </InsidePanel>
  );
}
