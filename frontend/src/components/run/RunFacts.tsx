// A run's facts list: data set, model, optimizer, sizes, device, seed, times and versions.
import type { Run } from "../../api/types";
import { type LiveFacts, runFacts } from "../../state/runRecord";
import { absoluteTime, relativeTime } from "../../state/runsTable";
import { Fact } from "./Fact";

export function RunFacts(props: {
  run: Run;
  live: LiveFacts;
  datasetTitle: string | null;
  now: number;
}) {
  const { run, now } = props;
  const facts = runFacts(run, props.live, props.datasetTitle, now);
  const at = facts.findIndex((f) => f.label === "Duration"); // Created goes before it
  return (
    <dl class="run-facts">
      {facts.slice(0, at).map((f) => (
        <Fact key={f.label} label={f.label} value={f.value} />
      ))}
      <div>
        <dt>Created</dt>
        <dd>
          <time dateTime={run.created_at} title={absoluteTime(run.created_at)}>
            {relativeTime(run.created_at, now)}
          </time>
        </dd>
      </div>
      {facts.slice(at).map((f) => (
        <Fact key={f.label} label={f.label} value={f.value} />
      ))}
    </dl>
  );
}
