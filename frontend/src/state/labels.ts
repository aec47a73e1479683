// Learner words for PyTorch's argument names: "samples" for n_samples, "output units" for
// out_features. The PyTorch name stays on screen beside it (for those who look for it), and
// the catalog's description is the field's help.
import type { Param } from "../api/types";

const LABELS: Record<string, string> = {
  n_samples: "samples",
  n_classes: "classes",
  noise: "noise",
  features: "input features",
  turns: "spiral turns",
  seq_len: "sequence length",
  targets: "targets",
  normalize: "normalise inputs",
  split: "split (val / test)",
  val: "validation share",
  test: "test share",
  seed: "random seed",
  out_features: "output units",
  out_channels: "output channels",
  kernel_size: "kernel size",
  stride: "stride",
  padding: "padding",
  output_padding: "output padding",
  padding_mode: "padding mode",
  dilation: "dilation",
  groups: "groups",
  output_size: "output size",
  hidden_size: "hidden units",
  num_layers: "stacked layers",
  bidirectional: "both directions",
  return_sequences: "output every step",
  embedding_dim: "vector size",
  num_heads: "attention heads",
  nhead: "attention heads",
  dim_feedforward: "feed-forward units",
  norm_first: "normalise first",
  causal: "causal (no peeking ahead)",
  p: "drop probability",
  dropout: "dropout",
  pieces: "pieces",
  start_dim: "from dim",
  end_dim: "to dim",
  dim: "dim",
  unflattened_size: "new shape",
  shape: "shape",
  mode: "pooling",
  kind: "kind",
  eps: "epsilon",
  momentum: "momentum",
  affine: "learnable scale/shift",
  elementwise_affine: "learnable scale/shift",
  normalized_dims: "normalised dims",
  ceil_mode: "round up",
  count_include_pad: "count padding",
  nonlinearity: "nonlinearity",
  bias: "bias",
  activation: "activation",
  init: "initialisation",
  epochs: "epochs",
  batch_size: "batch size",
  loss: "loss",
  optimizer: "optimizer",
  scheduler: "learning-rate schedule",
  l1: "L1 penalty",
  l2: "L2 penalty",
  grad_clip: "gradient clipping",
  max_norm: "max norm",
  value: "max value",
  early_stopping: "early stopping",
  monitor: "watch",
  patience: "patience (epochs)",
  min_delta: "min improvement",
  restore_best: "restore best",
  augment: "augmentation",
  hflip: "horizontal flip",
  shift: "shift (pixels)",
  device: "device",
  cuda_graphs: "CUDA graphs",
  log_every: "log every N steps",
  boundary_every: "boundary every N epochs",
  lr: "learning rate",
  weight_decay: "weight decay",
  nesterov: "Nesterov",
  betas: "betas (momentum)",
  amsgrad: "AMSGrad",
  alpha: "smoothing",
  centered: "centred",
  lr_decay: "lr decay",
  dampening: "dampening",
  weight: "weights",
  file: "file",
  target: "target column",
  task: "task",
};

/** The short learner label of a field ("output units"), else its name with spaces. */
export function learnerLabel(name: string): string {
  return LABELS[name] ?? name.replace(/_/g, " ");
}

export interface FieldText {
  label: string; // "output units"
  pyName: string | null; // "out_features": null when the label says the same
  help: string; // the catalog's description, for the tooltip / help line
}

/** What a field's label shows: learner words, the PyTorch name beside them, its help. */
export function fieldText(p: Pick<Param, "name" | "description">): FieldText {
  const label = learnerLabel(p.name);
  return {
    label,
    pyName: label === p.name ? null : p.name,
    help: p.description ?? "",
  };
}

// Fields edited on a log scale with a slider beside the box: name -> [min, max].
const LOG_SLIDERS: Record<string, [number, number]> = { lr: [1e-5, 10] };

export function logSliderRange(name: string): [number, number] | null {
  return LOG_SLIDERS[name] ?? null;
}

/** The slider's position (log10 of the value, clamped to the range) for a value. */
export function toSlider(value: number, [lo, hi]: [number, number]): number {
  const v = Number.isFinite(value) && value > 0 ? value : lo;
  return Math.log10(Math.min(hi, Math.max(lo, v)));
}

/** The value at a slider position: 10^x, rounded to 2 significant digits (0.03, 0.0012). */
export function fromSlider(x: number): number {
  return Number((10 ** x).toPrecision(2));
}
