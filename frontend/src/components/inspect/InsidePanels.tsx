// "Inside the network": the epoch slider and every picture that fits the run (chosen by
// state/inspectPanels from its summary), each reading the snapshot at or before that epoch.
// Mounted by RunCharts, so the playground's live run and the run page share it.
import { useState } from "preact/hooks";
import { useInspectTimeline } from "../../hooks/useInspectTimeline";
import type { RunHistory } from "../../run/history";
import {
  choosePanels,
  convLayers,
  dataKind,
  type PanelId,
  pixelMax,
} from "../../state/inspectPanels";
import { epochRange, timelineEnd } from "../../state/inspectTimeline";
import { ActivationsPanel } from "./ActivationsPanel";
import { AdversarialPanel } from "./AdversarialPanel";
import { AttentionPanel } from "./AttentionPanel";
import { BoundaryPanel } from "./BoundaryPanel";
import { FeatureMapsPanel } from "./FeatureMapsPanel";
import { FiltersPanel } from "./FiltersPanel";
import { GradcheckPanel } from "./GradcheckPanel";
import { HiddenStatesPanel } from "./HiddenStatesPanel";
import { NetworkGraph } from "./NetworkGraph";
import { ReceptiveFieldPanel } from "./ReceptiveFieldPanel";
import { SaliencyPanel } from "./SaliencyPanel";
import { SamplePicker } from "./SamplePicker";
import { TimelineSlider } from "./TimelineSlider";
import { TryDraw } from "./TryDraw";
import { TrySequence } from "./TrySequence";
import { TryText } from "./TryText";
import { WeightsPanel } from "./WeightsPanel";
import "./inspect.css";

export interface InsidePanelsProps {
  runId: number;
  history: RunHistory;
  /** history.version when the parent rendered. */
  version: number;
  /** spec.data.dataset when known. */
  dataset?: string | null;
}

const ONE_SAMPLE: PanelId[] = [
  "feature_maps",
  "saliency",
  "adversarial",
  "attention",
  "hidden_states",
];

export function InsidePanels({ runId, history: h, version, dataset }: InsidePanelsProps) {
  const [chosen, setChosen] = useState<number | null>(null);
  // Past boundary grids are replayed only once the slider is moved (a second stream).
  const [scrubbed, setScrubbed] = useState(false);
  const { timeline } = useInspectTimeline(runId, { boundaries: scrubbed, version });
  const choose = (epoch: number | null) => {
    if (epoch !== null) setScrubbed(true);
    setChosen(epoch);
  };
  const [index, setIndex] = useState(0);
  const summary = h.summary;
  const input = { summary, plane: h.plane !== null, dataset };
  const panels = choosePanels(input);
  if (!summary || !panels.length) return null;
  const live = !h.terminal;
  const snapshot = timeline.snapshotAt(chosen);
  const has = (id: PanelId) => panels.includes(id);
  // Least ms between two fetches of a view: a live run saves weights often, a slider drags.
  const gap = live ? 1500 : 300;
  const kind = dataKind(input);
  const shape = summary.input_shape;
  const convs = convLayers(summary);
  // One-sample views wait for a snapshot: before the first one there are no weights to read.
  const ready = snapshot !== null;
  return (
    <section class="panel inside" aria-labelledby="inside-title" data-testid="inside">
      <h2 id="inside-title">Inside the network</h2>
      <p class="muted small">
        Pictures of what the network computes, from the weights saved at about 20 epochs. Move the
        slider to go back in training.
      </p>
      <TimelineSlider
        epochs={epochRange(
          timelineEnd(h.progress().epoch, timeline.snapshots, h.boundary?.epoch ?? null),
        )}
        value={chosen}
        onChange={choose}
        live={live}
        total={h.progress().totalEpochs}
      />
      {ONE_SAMPLE.some(has) && (
        <SamplePicker index={index} count={summary.samples.test} onChange={setIndex} />
      )}
      {!ready && (
        <p class="chart-empty">
          {live
            ? "The pictures appear once the first weights are saved."
            : "This run saved no weights to look into."}
        </p>
      )}
      <div class="inside-grid">
        {kind === "2d" && (
          <BoundaryPanel
            runId={runId}
            boundary={chosen === null ? h.boundary : (timeline.boundaryAt(chosen) ?? h.boundary)}
            points={h.plane}
            task={h.task}
            snapshot={snapshot}
            pickable={has("try_plane") && ready}
          />
        )}
        {ready && has("graph") && <NetworkGraph runId={runId} snapshot={snapshot} gapMs={gap} />}
        {ready && has("filters") && (
          <FiltersPanel gapMs={gap} runId={runId} snapshot={snapshot} convs={convs} />
        )}
        {ready && has("receptive_field") && (
          <ReceptiveFieldPanel runId={runId} inputShape={shape} />
        )}
        {ready && has("feature_maps") && (
          <FeatureMapsPanel gapMs={gap} runId={runId} snapshot={snapshot} index={index} />
        )}
        {ready && has("saliency") && (
          <SaliencyPanel gapMs={gap} runId={runId} snapshot={snapshot} index={index} />
        )}
        {ready && has("try_draw") && (
          <TryDraw
            runId={runId}
            snapshot={snapshot}
            height={shape[shape.length - 2] ?? 8}
            width={shape[shape.length - 1] ?? 8}
            max={pixelMax(dataset, shape)}
          />
        )}
        {ready && has("adversarial") && (
          <AdversarialPanel gapMs={gap} runId={runId} snapshot={snapshot} index={index} />
        )}
        {ready && has("attention") && (
          <AttentionPanel gapMs={gap} runId={runId} snapshot={snapshot} index={index} />
        )}
        {ready && has("hidden_states") && (
          <HiddenStatesPanel gapMs={gap} runId={runId} snapshot={snapshot} index={index} />
        )}
        {ready && has("try_text") && <TryText runId={runId} snapshot={snapshot} />}
        {ready && has("try_sequence") && (
          <TrySequence runId={runId} snapshot={snapshot} inputShape={shape} />
        )}
        {ready && has("activations") && (
          <ActivationsPanel runId={runId} snapshot={snapshot} gapMs={gap} />
        )}
        {ready && has("weights") && <WeightsPanel runId={runId} snapshot={snapshot} gapMs={gap} />}
        {ready && has("gradcheck") && <GradcheckPanel runId={runId} snapshot={snapshot} />}
      </div>
    </section>
  );
}
