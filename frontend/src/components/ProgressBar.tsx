// A run's training progress as a bar (fraction done; empty while unknown); a stopped run's
// bar stays where it stopped, striped, so it never reads as finished.
export function ProgressBar({
  fraction,
  state = "active",
}: {
  fraction: number | null;
  state?: "active" | "done" | "stopped";
}) {
  const f = fraction ?? 0;
  return (
    <div
      class={`progress ${state}`}
      role="progressbar"
      aria-label={state === "stopped" ? "Training progress (stopped)" : "Training progress"}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(f * 100)}
      data-state={state}
      data-fraction={f.toFixed(4)}
    >
      <div style={{ width: `${f * 100}%` }} />
    </div>
  );
}
