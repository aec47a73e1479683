// A run's "Export" menu: one download link per format, each saying what the file is.
import { exportLinks } from "../../state/exports";

export function ExportMenu({ runId }: { runId: number }) {
  return (
    <details class="export-menu" data-testid="export-menu">
      <summary>Export</summary>
      <ul>
        {exportLinks(runId).map((link) => (
          <li key={link.format}>
            <a href={link.href} download data-testid={`export-${link.format}`}>
              {link.label}
            </a>
            <span class="muted"> — {link.what}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}
