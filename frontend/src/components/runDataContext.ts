// The data spec of the run on screen, for widgets deep in its charts that name classes (the
// characters of a text model's confusions). Screens that know it provide it; without it,
// classes show as numbers.
import { createContext } from "preact";
import type { SpecJson } from "../api/types";

export const RunDataContext = createContext<SpecJson["data"] | null>(null);
