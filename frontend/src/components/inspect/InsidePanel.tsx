// One picture of the network's insides: a title, one line on what it shows and what to look
// for, then the picture, or why it is not there yet.
import type { ComponentChildren } from "preact";
import type { ViewState } from "../../hooks/useInspectView";

export interface InsidePanelProps {
  title: string;
  explain: string;
  testId: string;
  loading?: boolean;
  error?: string | null;
  /** Shown when there is nothing else to show (no error, no children yet). */
  waiting?: string | null;
  wide?: boolean;
  /** A fetched view: its loading and error states, and `waiting` (default "Loading…")
   * until its data arrives. */
  view?: ViewState<unknown>;
  children?: ComponentChildren;
}

export function InsidePanel(props: InsidePanelProps) {
  const v = props.view;
  const p = v
    ? {
        ...props,
        loading: v.loading,
        error: v.error,
        waiting: v.data || v.error ? null : (props.waiting ?? "Loading…"),
      }
    : props;
  return (
    <section
      class={`panel inside-panel${p.wide ? " wide" : ""}`}
      data-testid={p.testId}
      aria-busy={p.loading ? "true" : "false"}
      aria-label={p.title}
    >
      <h3 class="chart-title">
        {p.title}
        {p.loading && <span class="inside-loading muted small"> updating…</span>}
      </h3>
      <p class="inside-explain muted small">{p.explain}</p>
      {p.error && (
        <p class="error-text small" role="alert">
          {p.error}
        </p>
      )}
      {p.waiting && !p.error ? <p class="chart-empty">{p.waiting}</p> : p.children}
    </section>
  );
}
