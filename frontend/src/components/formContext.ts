// What every generated form field needs, without threading it through each level:
// the catalog, the latest validation (rows by path, errors) and how to change the spec.
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Catalog, ErrorItem, LayerRow, SpecJson } from "../api/types";

export interface FormState {
  catalog: Catalog;
  errors: ErrorItem[];
  rows: Map<string, LayerRow>;
  update: (edit: (spec: SpecJson) => SpecJson) => void;
}

export const FormContext = createContext<FormState | null>(null);

export function useForm(): FormState {
  const f = useContext(FormContext);
  if (!f) throw new Error("form fields must be inside a FormContext provider");
  return f;
}

/** Errors for exactly this path or for something inside it ("a.b" covers "a.b.c", "a.b[0]"). */
export function errorsAt(errors: ErrorItem[], path: string, exact = false): ErrorItem[] {
  return errors.filter(
    (e) =>
      e.path === path ||
      (!exact && (e.path.startsWith(`${path}.`) || e.path.startsWith(`${path}[`))),
  );
}
