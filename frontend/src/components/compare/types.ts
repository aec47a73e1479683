// What Compare holds per selected run, shared by the screen and its widgets.
import type { MetricSeries } from "../../api/client";
import type { Run } from "../../api/types";

export interface Loaded {
  run: Run;
  series: MetricSeries;
}
export type Entry = Loaded | { error: string; missing: boolean };
