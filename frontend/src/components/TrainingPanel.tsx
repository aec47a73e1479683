// Training: every TrainingSpec field from the catalog (loss, optimizer, schedule, regularisation, ...).
import type { JsonObject } from "../api/types";
import { useForm } from "./formContext";
import { ParamForm } from "./ParamForm";

// The most used fields first; the rest follow in the catalog's order.
const FIRST = ["epochs", "batch_size", "optimizer", "loss", "scheduler"];

export function TrainingPanel({ training }: { training: JsonObject }) {
  const { catalog, update } = useForm();
  const params = [...(catalog.training ?? [])].sort((a, b) => rank(a.name) - rank(b.name));
  return (
    <section class="panel" aria-labelledby="training-h">
      <h2 id="training-h">Training</h2>
      <ParamForm
        params={params}
        value={training}
        path="training"
        onChange={(v) => update((s) => ({ ...s, training: v }))}
      />
    </section>
  );
}

function rank(name: string): number {
  const i = FIRST.indexOf(name);
  return i < 0 ? FIRST.length : i;
}
