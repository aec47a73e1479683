// Try the model: type a sequence of numbers and see its output.
import { useState } from "preact/hooks";
import { useInspectView } from "../../hooks/useInspectView";
import { formatNumber } from "../../state/format";
import { exampleSequence, parseSequence, viewBody } from "../../state/inspectRequest";
import { readPredict } from "../../state/inspectViews";
import { InsidePanel } from "./InsidePanel";
import { ProbabilityBars } from "./ProbabilityBars";

export function TrySequence({
  runId,
  snapshot,
  inputShape,
}: {
  runId: number;
  snapshot: number | null;
  inputShape: number[];
}) {
  const [text, setText] = useState(() => exampleSequence(inputShape));
  const [sent, setSent] = useState<number[][] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const body = sent ? viewBody("predict", snapshot, { inputs: [sent] }) : null;
  const answer = useInspectView(runId, body, readPredict);
  const out = answer.data?.outputs[0];
  return (
    <InsidePanel
      title="Try the model: type a sequence"
      explain={`Type ${inputShape[0] ?? "the"} values (one per time step) and see what the model answers.`}
      testId="try-sequence"
      loading={answer.loading}
      error={problem ?? answer.error}
    >
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          const p = parseSequence(text, inputShape);
          if ("error" in p) {
            setProblem(p.error);
            return;
          }
          setProblem(null);
          setSent(p.input);
        }}
      >
        <textarea
          rows={2}
          cols={60}
          value={text}
          aria-label="sequence"
          onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
        />
        <button type="submit" class="primary">
          Predict
        </button>
      </form>
      {out?.kind === "values" && (
        <p data-testid="sequence-answer">
          The model answers <strong>{out.values.map(formatNumber).join(", ")}</strong>
        </p>
      )}
      {out?.kind === "class" && (
        <ProbabilityBars
          probabilities={out.probabilities}
          names={answer.data?.classes}
          predicted={out.predicted}
        />
      )}
    </InsidePanel>
  );
}
