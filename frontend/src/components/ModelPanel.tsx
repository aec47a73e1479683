// Model: the layer stack with each layer's inferred shape, plus totals from /api/validate.
import type { JsonObject, Summary } from "../api/types";
import { formatBytes, formatCount, formatShape } from "../state/format";
import { useForm } from "./formContext";
import { LayerStack } from "./LayerStack";

export function ModelPanel({
  layers,
  summary,
  pending,
}: {
  layers: JsonObject[];
  summary: Summary | null;
  pending: boolean;
}) {
  const { update } = useForm();
  return (
    <section class="panel" aria-labelledby="model-h">
      <h2 id="model-h">
        Model
        <span class="spacer" />
        <button
          type="button"
          class="small"
          onClick={() => update((s) => ({ ...s, model: { layers: [] } }))}
          disabled={!layers.length}
        >
          Clear
        </button>
      </h2>
      {summary && (
        <p class="small muted totals" data-testid="model-totals">
          input {formatShape(summary.input_shape)} → output {formatShape(summary.output_shape)} ·{" "}
          <strong data-testid="total-params">{formatCount(summary.params)}</strong> params ·{" "}
          {formatCount(summary.flops)} FLOPs/sample · {summary.samples.train}/{summary.samples.val}/
          {summary.samples.test} samples
          {summary.memory_bytes != null && (
            <>
              {" "}
              ·{" "}
              <span
                data-testid="total-memory"
                title="Estimated peak memory of this run: weights, gradients and optimizer state, one batch's activations and the data set; the worker process itself (torch) needs the rest"
              >
                ~{formatBytes(summary.memory_bytes - (summary.memory?.process ?? 0))} memory
                {summary.memory?.process ? ` (+${formatBytes(summary.memory.process)} worker)` : ""}
              </span>
            </>
          )}
        </p>
      )}
      {!summary && pending && <p class="small muted totals">Checking…</p>}
      <LayerStack parent={[]} layers={layers} />
    </section>
  );
}
