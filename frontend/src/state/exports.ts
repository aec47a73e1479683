// The files a run can be exported as (GET /api/runs/{id}/export), with one line each.

export type ExportFormat = "zip" | "pytorch" | "safetensors" | "onnx" | "spec";

export interface ExportLink {
  format: ExportFormat;
  label: string;
  what: string;
  href: string;
}

const FORMATS: { format: ExportFormat; label: string; what: string }[] = [
  {
    format: "zip",
    label: "Everything (.zip)",
    what: "spec, weights, model.py and model.onnx in one folder, with a README",
  },
  {
    format: "pytorch",
    label: "model.py",
    what: "plain PyTorch: build_model(), load() and preprocess() with this run's normalisation",
  },
  {
    format: "safetensors",
    label: "Weights (.safetensors)",
    what: "the trained state_dict, safe to load (no pickle)",
  },
  {
    format: "onnx",
    label: "ONNX",
    what: "the network for onnxruntime and other tools; feed it preprocess(raw)",
  },
  { format: "spec", label: "Spec (.json)", what: "the run spec, to train it again anywhere" },
];

/** One download link per format; weights are the last snapshot's. */
export function exportLinks(runId: number): ExportLink[] {
  return FORMATS.map((f) => ({
    ...f,
    href: `/api/runs/${runId}/export?format=${f.format}&epoch=last`,
  }));
}
