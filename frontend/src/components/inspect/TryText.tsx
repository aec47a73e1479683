// Try the model: type a text prompt; see the next-character distribution and a sampled
// continuation (character models).
import { useState } from "preact/hooks";
import { useInspectView } from "../../hooks/useInspectView";
import { viewBody } from "../../state/inspectRequest";
import { readPredict } from "../../state/inspectViews";
import { InsidePanel } from "./InsidePanel";
import { ProbabilityBars } from "./ProbabilityBars";

export function TryText({ runId, snapshot }: { runId: number; snapshot: number | null }) {
  const [text, setText] = useState("The ");
  const [sent, setSent] = useState<string | null>(null);
  const [temperature, setTemperature] = useState(0.8);
  const body =
    sent !== null
      ? viewBody("predict", snapshot, { inputs: [sent], length: 120, temperature })
      : null;
  const answer = useInspectView(runId, body, readPredict, 300);
  const out = answer.data?.outputs[0];
  return (
    <InsidePanel
      title="Try the model: write a prompt"
      explain="The model reads your text and gives a probability for every next character; sampling one at a time from those gives a continuation. Lower temperature: safer, more repetitive text."
      testId="try-text"
      loading={answer.loading}
      error={answer.error}
    >
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          setSent(text);
        }}
      >
        <input
          type="text"
          value={text}
          data-testid="prompt"
          aria-label="prompt"
          onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)}
        />
        <label class="small">
          temperature{" "}
          <input
            type="number"
            min={0.1}
            max={2}
            step={0.1}
            value={temperature}
            onChange={(e) =>
              setTemperature(Number((e.currentTarget as HTMLInputElement).value) || 1)
            }
          />
        </label>
        <button type="submit" class="primary" data-testid="prompt-go">
          Continue
        </button>
      </form>
      {out?.kind === "class" && sent !== null && (
        <div class="row try-answer">
          <div>
            <p class="small muted">Next character</p>
            <ProbabilityBars
              probabilities={out.probabilities}
              names={answer.data?.classes}
              predicted={out.predicted}
            />
          </div>
          {out.continuation !== null && (
            <p class="continuation" data-testid="continuation">
              <span class="muted">{sent}</span>
              <strong>{out.continuation}</strong>
            </p>
          )}
        </div>
      )}
    </InsidePanel>
  );
}
