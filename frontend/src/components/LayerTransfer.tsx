// A layer's transfer-learning controls: start from a stored run's layer ("Initialise from
// run…", showing that layer's shape) and "Freeze" (the optimizer leaves the layer alone).
import { useEffect, useState } from "preact/hooks";
import { api } from "../api/client";
import type { JsonObject } from "../api/types";
import {
  describeSource,
  type FromRun,
  fromRunOf,
  isFrozen,
  parseEpoch,
  withFreeze,
  withFromRun,
} from "../state/transfer";
import { errorsAt, useForm } from "./formContext";

interface Props {
  layer: JsonObject;
  path: string; // this layer's JSON path, also the usual source layer
  name: string; // "layer 1 (Linear)", for labels
  onChange: (layer: JsonObject) => void;
}

export function LayerTransfer({ layer, path, name, onChange }: Props) {
  const { errors } = useForm();
  const from = fromRunOf(layer);
  const [editing, setEditing] = useState(false);
  const problems = errorsAt(errors, `${path}.from_run`);
  return (
    <div class="layer-transfer small">
      <label title="Keep this layer's weights fixed while the rest of the network trains">
        <input
          type="checkbox"
          aria-label={`Freeze ${name}`}
          checked={isFrozen(layer)}
          onChange={(e) => onChange(withFreeze(layer, (e.target as HTMLInputElement).checked))}
        />{" "}
        Freeze
      </label>
      {from && !editing && (
        <span class="transfer-source" data-testid="transfer-source">
          {" "}
          from run {from.run}, {from.layer}, epoch {from.epoch} <SourceShape from={from} />{" "}
          <button type="button" class="link" onClick={() => setEditing(true)}>
            change
          </button>{" "}
          <button type="button" class="link" onClick={() => onChange(withFromRun(layer, null))}>
            use random weights
          </button>
        </span>
      )}
      {!from && !editing && (
        <button type="button" class="link" onClick={() => setEditing(true)}>
          Initialise from run…
        </button>
      )}
      {editing && (
        <FromRunEditor
          start={from ?? { run: 0, layer: path, epoch: "last" }}
          name={name}
          onDone={(next) => {
            setEditing(false);
            if (next) onChange(withFromRun(layer, next));
          }}
        />
      )}
      {problems.length > 0 && (
        <p class="field-error" role="alert">
          {problems.map((e) => e.msg).join("; ")}
        </p>
      )}
    </div>
  );
}

function FromRunEditor({
  start,
  name,
  onDone,
}: {
  start: FromRun;
  name: string;
  onDone: (next: FromRun | null) => void;
}) {
  const [run, setRun] = useState(start.run ? String(start.run) : "");
  const [source, setSource] = useState(start.layer);
  const [epoch, setEpoch] = useState(String(start.epoch));
  const id = /^\d+$/.test(run.trim()) ? Number(run) : 0;
  const parsedEpoch = parseEpoch(epoch);
  const draft =
    id > 0 && parsedEpoch !== null ? { run: id, layer: source, epoch: parsedEpoch } : null;
  return (
    <span class="from-run-editor">
      <label>
        run{" "}
        <input
          aria-label={`Source run of ${name}`}
          size={5}
          value={run}
          onInput={(e) => setRun((e.target as HTMLInputElement).value)}
        />
      </label>{" "}
      <label>
        layer{" "}
        <input
          aria-label={`Source layer of ${name}`}
          size={16}
          value={source}
          onInput={(e) => setSource((e.target as HTMLInputElement).value)}
        />
      </label>{" "}
      <label>
        epoch{" "}
        <input
          aria-label={`Source epoch of ${name}`}
          size={5}
          value={epoch}
          onInput={(e) => setEpoch((e.target as HTMLInputElement).value)}
        />
      </label>{" "}
      {draft && <SourceShape from={draft} />}{" "}
      <button type="button" disabled={!draft} onClick={() => onDone(draft)}>
        Use
      </button>{" "}
      <button type="button" class="link" onClick={() => onDone(null)}>
        cancel
      </button>
    </span>
  );
}

/** The source layer's shape, read from the source run's summary. */
function SourceShape({ from }: { from: FromRun }) {
  const [text, setText] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setText(null);
    api
      .getRun(from.run)
      .then((r) => live && setText(describeSource(r.summary, from.layer) ?? "no such layer"))
      .catch(() => live && setText("no such run"));
    return () => {
      live = false;
    };
  }, [from.run, from.layer]);
  return text ? (
    <span class="muted mono" data-testid="source-shape">
      ({text})
    </span>
  ) : null;
}
