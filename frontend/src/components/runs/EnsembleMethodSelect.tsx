// How an ensemble combines its members, for the runs list and a sweep's page.
import type { EnsembleMethod } from "../../api/types";

export function EnsembleMethodSelect({
  value,
  onChange,
}: {
  value: EnsembleMethod;
  onChange: (m: EnsembleMethod) => void;
}) {
  return (
    <label>
      Ensemble by{" "}
      <select
        value={value}
        data-testid="ensemble-method"
        onChange={(e) => onChange((e.target as HTMLSelectElement).value as EnsembleMethod)}
      >
        <option value="mean_prob">mean probability</option>
        <option value="vote">majority vote</option>
      </select>
    </label>
  );
}
