// Attention weights of every head for one sequence (A13): row = the position that looks,
// column = the position it looks at.
import { type SampleViewProps, useSampleView } from "../../hooks/useInspectView";
import { gridPlane } from "../../state/inspectGrid";
import { readAttention } from "../../state/inspectViews";
import { InsidePanel } from "./InsidePanel";
import { TokenMap } from "./TokenMap";

export function AttentionPanel(p: SampleViewProps) {
  const { index } = p;
  const view = useSampleView("attention", p, readAttention);
  const a = view.data;
  return (
    <InsidePanel
      title={`Attention · sample ${index}`}
      explain="One map per head: each row is a position, red where it looks. Heads often specialise: one looks at the previous character, another at the start of the word. A causal model's maps are empty above the diagonal."
      testId="attention"
      view={view}
      wide
    >
      {a?.layers.map((l) => (
        <div key={l.layer} class="attention-layer">
          <p class="small muted">
            {l.layer.replace("model.", "")} {l.type}: {l.heads.length} head
            {l.heads.length === 1 ? "" : "s"}
          </p>
          <div class="tiles">
            {l.heads.map((h, i) => (
              <TokenMap
                key={i}
                plane={gridPlane(h)}
                tokens={a.tokens}
                lo={0}
                hi={1}
                caption={`head ${i}`}
                testId="attention-head"
              />
            ))}
          </div>
        </div>
      ))}
    </InsidePanel>
  );
}
