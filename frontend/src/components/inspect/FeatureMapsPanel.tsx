// The output maps of every convolution and pooling layer for one sample (H3).
import { type SampleViewProps, useSampleView } from "../../hooks/useInspectView";
import { gridPlane } from "../../state/inspectGrid";
import { readFeatureMaps } from "../../state/inspectViews";
import { ImageTile } from "./ImageTile";
import { InsidePanel } from "./InsidePanel";

const MAX_CHANNELS = 16;

export function FeatureMapsPanel(p: SampleViewProps) {
  const { index } = p;
  const view = useSampleView("feature_maps", p, readFeatureMaps);
  const f = view.data;
  return (
    <InsidePanel
      title={`Feature maps · sample ${index}`}
      explain="What each channel sees in this sample: dark where it responds strongly (one scale per layer, so a pale map is a quiet channel). Early layers keep the digit's shape; after pooling the maps get smaller and more abstract."
      testId="feature-maps"
      view={view}
      waiting="Loading the maps…"
      wide
    >
      {f && (
        <div class="maps" data-index={f.index}>
          <div class="maps-row">
            <span class="maps-label small">input (label {String(f.label)})</span>
            <ImageTile
              plane={gridPlane(f.input)}
              map="ink"
              caption="input"
              size={64}
              testId="feature-input"
            />
          </div>
          {f.layers.map((l) => (
            <div class="maps-row" key={l.layer}>
              <span class="maps-label small">
                {l.layer.replace("model.", "")} {l.type}
                <br />
                <span class="muted">{l.shape.join("×")}</span>
              </span>
              <div class="tiles">
                {l.channels.slice(0, MAX_CHANNELS).map((c, i) => (
                  <ImageTile
                    key={i}
                    plane={gridPlane(c)}
                    map="ink"
                    lo={Math.min(...l.channels.map((x) => x.lo))}
                    hi={Math.max(...l.channels.map((x) => x.hi))}
                    caption={`${i}`}
                    size={40}
                  />
                ))}
                {l.channels.length > MAX_CHANNELS && (
                  <span class="small muted">and {l.channels.length - MAX_CHANNELS} more</span>
                )}
              </div>
            </div>
          ))}
        </div>
      )}
    </InsidePanel>
  );
}
