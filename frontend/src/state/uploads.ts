// Uploads in the data panel: which files make an upload, how one is named, and the spec
// that trains on it. Pure functions; components/UploadPicker.tsx renders them.

import type { Catalog, SpecJson, Upload } from "../api/types";
import { setDataset } from "./spec";

export const UPLOAD_DATASET = "upload";
const IDX_NAMES = [
  "train-images-idx3-ubyte",
  "train-labels-idx1-ubyte",
  "t10k-images-idx3-ubyte",
  "t10k-labels-idx1-ubyte",
];

/** The spec with `data` set to upload `id` (options the upload set shares are kept). */
export function chooseUpload(spec: SpecJson, catalog: Catalog, id: number): SpecJson {
  const next = setDataset(spec, catalog, UPLOAD_DATASET);
  return { ...next, data: { ...next.data, upload: id } };
}

/** Why a set of dropped files cannot be one upload, or null when it can: one file, or the
 * four IDX files of an MNIST-style set. */
export function filesProblem(names: string[]): string | null {
  if (names.length === 1) return null;
  if (names.length !== 4)
    return `Drop one file (.csv, .npz, or a .zip of IDX files), or the four IDX files together; got ${names.length}.`;
  const roles = new Set(names.map(idxRole));
  if (roles.has(null) || roles.size !== 4)
    return `Four files must be the four IDX files: ${IDX_NAMES.join(", ")} (each may end in .gz).`;
  return null;
}

/** 'train-images.idx3-ubyte.gz' -> 'train-images-idx3-ubyte'; null for other names. */
export function idxRole(name: string): string | null {
  const base = name.toLowerCase().replace(/\.gz$/, "").replaceAll(".", "-").replaceAll("_", "-");
  return IDX_NAMES.includes(base) ? base : null;
}

/** "points.csv — CSV, 120 × 2, classification" for the upload list. */
export function uploadLabel(u: Upload): string {
  const x = u.shapes.x ?? [];
  return `${u.name} — ${u.kind.toUpperCase()}, ${x.join(" × ")}, ${u.task}`;
}

/** A byte count for people: "1.2 MB". */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ["kB", "MB", "GB"];
  let v = n;
  let unit = "B";
  for (const u of units) {
    if (v < 1000) break;
    v /= 1000;
    unit = u;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${unit}`;
}
