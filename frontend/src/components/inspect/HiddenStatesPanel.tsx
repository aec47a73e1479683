// The hidden state of every recurrent layer over time for one sample (A12).
import { type SampleViewProps, useSampleView } from "../../hooks/useInspectView";
import { gridPlane } from "../../state/inspectGrid";
import { readHiddenStates } from "../../state/inspectViews";
import { InsidePanel } from "./InsidePanel";
import { TokenMap } from "./TokenMap";

export function HiddenStatesPanel(p: SampleViewProps) {
  const { index } = p;
  const view = useSampleView("hidden_states", p, readHiddenStates);
  const h = view.data;
  return (
    <InsidePanel
      title={`Hidden states · sample ${index}`}
      explain="Time runs down, one column per hidden unit (blue positive, orange negative). Units that change colour along the sequence carry what the network remembers; columns stuck at full colour are saturated."
      testId="hidden-states"
      view={view}
      wide
    >
      {h?.layers.map((l) => {
        const plane = gridPlane(l.states);
        return (
          <TokenMap
            key={l.layer}
            plane={plane}
            tokens={h.tokens}
            map="diverging"
            cell={Math.max(4, Math.min(12, Math.floor(480 / Math.max(1, plane.w))))}
            caption={`${l.layer.replace("model.", "")} ${l.type}: time ↓ (${plane.h} steps), hidden units → (${plane.w})${l.directions > 1 ? ", both directions" : ""}`}
            testId="hidden-map"
          />
        );
      })}
    </InsidePanel>
  );
}
