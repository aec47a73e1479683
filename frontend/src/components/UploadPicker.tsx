// Your own data: drop a file (or pick one), watch it upload, then train on it like any set.

import { useEffect, useState } from "preact/hooks";
import { api, errorMessage } from "../api/client";
import type { Upload } from "../api/types";
import {
  chooseUpload,
  filesProblem,
  formatBytes,
  UPLOAD_DATASET,
  uploadLabel,
} from "../state/uploads";
import { useForm } from "./formContext";

export function UploadPicker({ selected }: { selected: number | null }) {
  const { catalog, update } = useForm();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [over, setOver] = useState(false);

  const refresh = () => api.listUploads().then(setUploads, (e) => setError(errorMessage(e)));
  useEffect(() => {
    void refresh();
  }, []);

  const send = async (files: File[]) => {
    const problem = filesProblem(files.map((f) => f.name));
    setError(problem);
    if (problem) return;
    setProgress(0);
    try {
      const up = await api.upload(files, setProgress);
      await refresh();
      update((s) => chooseUpload(s, catalog, up.id));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setProgress(null);
    }
  };

  const remove = async (id: number) => {
    try {
      await api.deleteUpload(id);
      await refresh();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const current = uploads.find((u) => u.id === selected);
  return (
    <div class="uploads">
      {uploads.length > 0 && (
        <div class="field wide">
          <label for="upload-choice" class="field-label">
            your uploads <code class="py-name">upload</code>
          </label>
          <select
            id="upload-choice"
            value={selected ?? ""}
            onChange={(e) => {
              const id = Number((e.target as HTMLSelectElement).value);
              if (id) update((s) => chooseUpload(s, catalog, id));
            }}
          >
            <option value="">choose an upload…</option>
            {uploads.map((u) => (
              <option key={u.id} value={u.id}>
                {uploadLabel(u)}
              </option>
            ))}
          </select>
          {current && (
            <button type="button" class="link small" onClick={() => void remove(current.id)}>
              delete {current.name} ({formatBytes(current.bytes)})
            </button>
          )}
        </div>
      )}
      <label
        class={`drop-zone${over ? " over" : ""}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void send([...(e.dataTransfer?.files ?? [])]);
        }}
      >
        <input
          type="file"
          multiple
          class="visually-hidden"
          aria-label="upload a data file"
          accept=".csv,.npz,.zip,.gz,.txt,application/octet-stream"
          onChange={(e) => {
            const input = e.target as HTMLInputElement;
            void send([...(input.files ?? [])]);
            input.value = "";
          }}
        />
        Drop a data file here, or click to choose one: a CSV table (the last column is the target),
        an NPZ with arrays <code>x</code> and <code>y</code>, or the four IDX files of an
        MNIST-style set.
      </label>
      {progress !== null && (
        <p class="small">
          <progress value={progress} max={1} aria-label="upload progress" /> uploading…{" "}
          {Math.round(progress * 100)}%
        </p>
      )}
      {error && <p class="error-text small">Upload refused: {error}</p>}
      {selected === null && (
        <p class="muted small">
          MNIST and Fashion-MNIST come as four IDX files each (training images and labels, test
          images and labels, usually <code>.gz</code>): download them from{" "}
          <a href="https://yann.lecun.com/exdb/mnist/" target="_blank" rel="noreferrer">
            MNIST's page
          </a>{" "}
          or{" "}
          <a
            href="https://github.com/zalandoresearch/fashion-mnist"
            target="_blank"
            rel="noreferrer"
          >
            Fashion-MNIST's
          </a>{" "}
          and drop all four here at once.
        </p>
      )}
    </div>
  );
}

export { UPLOAD_DATASET };
