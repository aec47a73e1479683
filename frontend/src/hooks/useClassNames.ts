// Class names of a data set (characters for text), from its preview; null while unknown or
// when there is no data spec to ask about.
import { api } from "../api/client";
import type { SpecJson } from "../api/types";
import { useDebouncedRequest } from "./useDebouncedRequest";

export function useClassNames(data: SpecJson["data"] | null): {
  names: string[] | null;
  text: boolean; // the data set is text (classes are characters)
} {
  const r = useDebouncedRequest(
    JSON.stringify(data),
    (signal) => (data ? api.preview(data, signal) : Promise.resolve(null)),
    0,
  );
  return { names: r.data?.class_names ?? null, text: r.data?.kind === "text" };
}
