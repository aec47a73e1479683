// Whether the preset's claims held for the run on screen: measured against expected, once it ends.
import type { ClaimCheck } from "../state/claims";

const MARK = { true: "✓", false: "✗", null: "·" } as const;

export function RunClaims({ checks }: { checks: ClaimCheck[] }) {
  if (!checks.length) return null;
  return (
    <section class="panel run-claims" aria-labelledby="claims-h" data-testid="run-claims">
      <h3 id="claims-h">What this preset expects, and what this run measured</h3>
      <ul>
        {checks.map((c) => (
          <li key={c.key} data-ok={String(c.ok)} class={`claim ok-${String(c.ok)}`}>
            <span class="claim-mark" aria-hidden="true">
              {MARK[String(c.ok) as keyof typeof MARK]}
            </span>{" "}
            Expected {c.text}:{" "}
            {c.ok === null ? (
              <span class="muted">{c.note}</span>
            ) : (
              <span>
                measured <strong>{c.measured}</strong> ({c.ok ? "held" : "did not hold"})
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
