import { describe, expect, it } from "vitest";
import { formatPercent, formatRate, formatRelative, formatScore, scoreColours, shortVersion } from "./format";

describe("formatScore", () => {
  it("shows two decimals, and a dash for no score", () => {
    expect(formatScore(0.8749)).toBe("0.87");
    expect(formatScore(0)).toBe("0.00");
    expect(formatScore(null)).toBe("–");
  });
});

describe("formatRelative", () => {
  const now = Date.parse("2026-11-26T10:00:00Z");
  it.each([
    ["2026-11-26T10:00:00Z", "just now"],
    ["2026-11-26T09:59:18Z", "42 s ago"],
    ["2026-11-26T09:55:00Z", "5 min ago"],
    ["2026-11-26T07:00:00Z", "3 h ago"],
    ["2026-11-24T10:00:00Z", "2 d ago"],
    ["2026-11-26T10:05:00Z", "in 5 min"],
  ])("%s is %s", (iso, expected) => {
    expect(formatRelative(iso, now)).toBe(expected);
  });
});

describe("scoreColours", () => {
  it("runs from warm (playful) to blue (serious), with readable text", () => {
    expect(scoreColours(0)).toEqual({ background: "rgb(194, 65, 12)", color: "#ffffff" });
    expect(scoreColours(0.5).color).toBe("#1a1a1a");
    expect(scoreColours(1)).toEqual({ background: "rgb(29, 78, 216)", color: "#ffffff" });
  });

  it("clamps out-of-range scores", () => {
    expect(scoreColours(1.2)).toEqual(scoreColours(1));
    expect(scoreColours(-0.1)).toEqual(scoreColours(0));
  });
});

describe("formatPercent", () => {
  it("rounds down and stays within 0..100%", () => {
    expect(formatPercent(12345 / 27000)).toBe("45%");
    expect(formatPercent(0.999)).toBe("99%");
    expect(formatPercent(1)).toBe("100%");
    expect(formatPercent(1.2)).toBe("100%");
    expect(formatPercent(-0.1)).toBe("0%");
  });
});

describe("formatRate", () => {
  it("keeps one decimal only for slow rates", () => {
    expect(formatRate(1234.4)).toBe("1,234");
    expect(formatRate(2.54)).toBe("2.5");
    expect(formatRate(0)).toBe("0");
  });
});

describe("shortVersion", () => {
  it("keeps a version's content hash", () => {
    expect(shortVersion("seriousness-20261126-ab12cd34")).toBe("ab12cd34");
    expect(shortVersion("sklearn-0123abcd")).toBe("0123abcd");
    expect(shortVersion("my-model")).toBe("my-model");
  });
});
