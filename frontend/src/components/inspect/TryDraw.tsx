// Try the model: draw a digit with the mouse (or a finger) and see the class probabilities.
// The drawing is averaged down to the model's image size (8x8 digits, 28x28 MNIST).
import { useEffect, useRef, useState } from "preact/hooks";
import { HeatCanvas } from "../../charts/HeatCanvas";
import { useInspectView } from "../../hooks/useInspectView";
import { blankInk, downsample, hasInk, type Ink, strokeTo } from "../../state/inspectDraw";
import { viewBody } from "../../state/inspectRequest";
import { readPredict } from "../../state/inspectViews";
import { InsidePanel } from "./InsidePanel";
import { ProbabilityBars } from "./ProbabilityBars";

const PAD = 224; // CSS px
const FINE = 56; // ink cells per side

export interface TryDrawProps {
  runId: number;
  snapshot: number | null;
  /** (H, W) of the model's images. */
  height: number;
  width: number;
  /** Raw value of full ink: 16 for digits, 255 for MNIST. */
  max: number;
}

export function TryDraw({ runId, snapshot, height, width, max }: TryDrawProps) {
  const [ink, setInk] = useState<Ink>(() => blankInk(FINE));
  const [sent, setSent] = useState<number[][] | null>(null);
  const last = useRef<[number, number] | null>(null);
  const ref = useRef<HTMLCanvasElement>(null);
  const body = sent ? viewBody("predict", snapshot, { inputs: [sent] }) : null;
  const answer = useInspectView(runId, body, readPredict, 200);
  const out = answer.data?.outputs[0];

  useEffect(() => {
    const ctx = ref.current?.getContext("2d");
    if (!ctx) return;
    const img = ctx.createImageData(FINE, FINE);
    ink.values.forEach((v, i) => {
      const c = 255 * (1 - v);
      img.data.set([c, c, c, 255], i * 4);
    });
    ctx.putImageData(img, 0, 0);
  }, [ink]);

  const cell = (e: PointerEvent): [number, number] => {
    const r = (e.currentTarget as HTMLCanvasElement).getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * FINE, ((e.clientY - r.top) / r.height) * FINE];
  };
  const radius = (FINE / Math.max(height, width)) * 0.9; // about one model pixel wide
  const down = (e: PointerEvent) => {
    (e.currentTarget as HTMLCanvasElement).setPointerCapture?.(e.pointerId);
    const p = cell(e);
    last.current = p;
    setInk((k) => strokeTo(k, p, p, radius));
  };
  const move = (e: PointerEvent) => {
    const a = last.current;
    if (!a) return;
    const b = cell(e);
    last.current = b;
    setInk((k) => strokeTo(k, a, b, radius));
  };
  const up = () => {
    if (!last.current) return;
    last.current = null;
    setInk((k) => {
      if (hasInk(k)) setSent(downsample(k, height, width, max));
      return k;
    });
  };
  const clear = () => {
    setInk(blankInk(FINE));
    setSent(null);
  };
  const small = sent
    ? { w: width, h: height, values: Float32Array.from(sent.flat()), lo: 0, hi: max }
    : null;
  return (
    <InsidePanel
      title="Try the model: draw a digit"
      explain="Draw with the mouse in the box, as thick as the strokes of the data set. The model sees your drawing shrunk to its own size (right) and answers with its class probabilities."
      testId="try-draw"
      error={answer.error}
    >
      <div class="row try-draw">
        <canvas
          ref={ref}
          width={FINE}
          height={FINE}
          class="draw-pad"
          style={{ width: `${PAD}px`, height: `${PAD}px` }}
          data-testid="draw-pad"
          aria-label="drawing pad: draw a digit here"
          onPointerDown={down}
          onPointerMove={move}
          onPointerUp={up}
          onPointerLeave={up}
        />
        <div class="try-side">
          {small && (
            <figure class="tile">
              <HeatCanvas
                plane={small}
                map="ink"
                width={72}
                pixelated
                label="what the model sees"
              />
              <figcaption class="small muted">
                what the model sees ({height}×{width})
              </figcaption>
            </figure>
          )}
          <button type="button" onClick={clear} data-testid="draw-clear">
            Clear
          </button>
        </div>
        <div class="try-answer" data-testid="draw-answer">
          {!sent && <p class="muted small">Draw a digit to see what the model says.</p>}
          {answer.loading && <p class="muted small">asking…</p>}
          {out?.kind === "class" && (
            <>
              <p>
                The model says <strong data-testid="draw-predicted">{String(out.predicted)}</strong>
              </p>
              <ProbabilityBars
                probabilities={out.probabilities}
                names={answer.data?.classes}
                predicted={out.predicted}
                testId="draw-probabilities"
              />
            </>
          )}
        </div>
      </div>
    </InsidePanel>
  );
}
