// Data: pick a data set, set its parameters, and see a preview of what the network will get.

import { api } from "../api/client";
import type { DatasetEntry, SpecJson } from "../api/types";
import { DataPreview } from "../charts/DataPreview";
import { useDebouncedRequest } from "../hooks/useDebouncedRequest";
import { setDataset } from "../state/spec";
import { useForm } from "./formContext";
import { ParamForm } from "./ParamForm";
import { UPLOAD_DATASET, UploadPicker } from "./UploadPicker";

const KIND_LABEL: Record<DatasetEntry["kind"], string> = {
  "2d": "2-D points",
  tabular: "Tables",
  image: "Images",
  sequence: "Sequences",
  text: "Text",
  file: "Your files",
};

export function DataPanel({ data, generation }: { data: SpecJson["data"]; generation: number }) {
  const { catalog, update } = useForm();
  const entry = catalog.datasets.find((d) => d.id === data.dataset);
  const kinds = [...new Set(catalog.datasets.map((d) => d.kind))];
  const preview = useDebouncedRequest(
    JSON.stringify(data),
    (signal) => api.preview(data, signal),
    300,
    // Another data set (or upload), or a new spec, never shows the old preview while the
    // new one loads.
    `${generation}:${data.dataset}:${data.upload ?? ""}`,
  );
  return (
    <section class="panel" aria-labelledby="data-h">
      <h2 id="data-h">Data</h2>
      <div class="field wide">
        <label for="dataset" class="field-label">
          data set <code class="py-name">dataset</code>
        </label>
        <select
          id="dataset"
          value={data.dataset}
          onChange={(e) =>
            update((s) => setDataset(s, catalog, (e.target as HTMLSelectElement).value))
          }
        >
          {kinds.map((k) => (
            <optgroup key={k} label={KIND_LABEL[k] ?? k}>
              {catalog.datasets
                .filter((d) => d.kind === k)
                .map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.title}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
      </div>
      {entry && (
        <p class="muted small">
          {entry.description} <span class="badge">{entry.task}</span>
        </p>
      )}
      {data.dataset === UPLOAD_DATASET && (
        <UploadPicker selected={typeof data.upload === "number" ? data.upload : null} />
      )}
      {entry && (
        <ParamForm
          params={entry.params}
          // The upload is chosen above, from the list of uploads, not typed as a number.
          skip={data.dataset === UPLOAD_DATASET ? ["upload"] : []}
          value={data}
          path="data"
          onChange={(v) => update((s) => ({ ...s, data: { ...v, dataset: data.dataset } }))}
        />
      )}
      <div class="preview-box" aria-live="polite" data-dataset={data.dataset}>
        {preview.data && <DataPreview preview={preview.data} />}
        {!preview.data && preview.pending && <p class="muted small">Loading a preview…</p>}
        {preview.error && <p class="error-text small">No preview: {preview.error.message}</p>}
      </div>
    </section>
  );
}
