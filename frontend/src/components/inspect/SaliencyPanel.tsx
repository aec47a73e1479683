// |d score / d input| for one sample: which pixels the class score is sensitive to (H4).
import { type SampleViewProps, useSampleView } from "../../hooks/useInspectView";
import { gridPlane } from "../../state/inspectGrid";
import { readSaliency } from "../../state/inspectViews";
import { ImageTile } from "./ImageTile";
import { InsidePanel } from "./InsidePanel";
import { ProbabilityBars } from "./ProbabilityBars";

export function SaliencyPanel(p: SampleViewProps) {
  const { index } = p;
  const view = useSampleView("saliency", p, readSaliency);
  const s = view.data;
  return (
    <InsidePanel
      title={`Saliency · sample ${index}`}
      explain="Red pixels are the ones whose change would move the predicted class's score most. A good model looks at the strokes of the digit, not at the empty background."
      testId="saliency"
      view={view}
      waiting="Loading the saliency…"
    >
      {s && (
        <div class="row saliency" data-index={s.index} data-predicted={s.predicted}>
          <ImageTile
            plane={gridPlane(s.input)}
            map="ink"
            caption={`input (label ${String(s.label)})`}
            size={110}
          />
          <ImageTile
            plane={gridPlane(s.saliency)}
            map="heat"
            caption={`saliency for class ${s.target}`}
            size={110}
            testId="saliency-map"
          />
          <div>
            <p class="small">
              predicted <strong>{s.predicted}</strong>
            </p>
            <ProbabilityBars probabilities={s.probabilities} predicted={s.predicted} top={3} />
          </div>
        </div>
      )}
    </InsidePanel>
  );
}
