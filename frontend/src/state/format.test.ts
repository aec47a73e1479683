import { describe, expect, it } from "vitest";
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatNumber,
  formatPercent,
  formatShape,
} from "./format";

describe("format", () => {
  it("formats shapes, counts, times, percents and values", () => {
    expect(formatShape([1, 28, 28])).toBe("1×28×28");
    expect(formatShape([])).toBe("scalar");
    expect(formatCount(1234)).toBe("1,234");
    expect(formatCount(1_500_000)).toBe("1.5M");
    expect(formatBytes(9_800_000_000)).toBe("9.8 GB");
    expect(formatBytes(671_138_848)).toBe("671.1 MB");
    expect(formatBytes(512)).toBe("512 bytes");
    expect(formatDuration(42)).toBe("0:42");
    expect(formatDuration(3723)).toBe("1:02:03");
    expect(formatDuration(null)).toBe("—");
    expect(formatPercent(0.9731)).toBe("97.3 %");
    expect(formatPercent(null)).toBe("—");
    expect(formatNumber(0.123456)).toBe("0.1235");
    expect(formatNumber(0.00001234)).toBe("1.23e-5");
    expect(formatNumber(1e-4)).toBe("1e-4");
    expect(formatNumber(Infinity)).toBe("∞");
    expect(formatNumber(NaN)).toBe("—");
  });
});
