// The run area the moment Train is pressed, before the server has answered: the run is on
// its way (its status line replaces this as soon as it exists).
import { ProgressBar } from "./ProgressBar";

export function RunQueuing() {
  return (
    <section class="panel" aria-label="Run status" data-testid="run-queuing">
      <div class="status-line">
        <span class="badge queued" role="status">
          queued…
        </span>
        <span class="muted">creating the run</span>
      </div>
      <ProgressBar fraction={0} />
    </section>
  );
}
