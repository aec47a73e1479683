// A run's training progress as a bar (fraction of its steps done; empty while unknown).
export function ProgressBar({ fraction }: { fraction: number | null }) {
  const f = fraction ?? 0;
  return (
    <div
      class="progress"
      role="progressbar"
      aria-label="Training progress"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(f * 100)}
    >
      <div style={{ width: `${f * 100}%` }} />
    </div>
  );
}
