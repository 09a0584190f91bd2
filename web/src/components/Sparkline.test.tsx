import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { Sparkline, sparklineShape } from "./Sparkline";

describe("sparklineShape", () => {
  it("draws one piece per run of scored days, spread over the width, 1 at the top", () => {
    const { path, dots } = sparklineShape([0, 1, null, 0.5, 0.5, null, null]);
    expect(path).toBe("M3,25L18,3M48,14L63,14");
    expect(dots).toEqual([]);
  });

  it("gives a lone scored day a dot, since it has no segment", () => {
    const { path, dots } = sparklineShape([null, 0.5, null, null, null, 1, 0]);
    expect(path).toBe("M78,3L93,25");
    expect(dots).toEqual([{ x: 18, y: 14 }]);
  });

  it("draws nothing for a week without scores", () => {
    expect(sparklineShape([null, null, null, null, null, null, null])).toEqual({ path: "", dots: [] });
  });
});

describe("Sparkline", () => {
  it("is one image named by its values, whose drawing is hidden and never focusable", () => {
    const { container } = render(<Sparkline values={[0.8, null, 0.9, 0.1, null, null, 0.25]} />);
    const img = screen.getByRole("img", { name: "Daily seriousness, last 7 days: 0.80, no posts, 0.90, 0.10, no posts, no posts, 0.25" });
    const svg = img.querySelector("svg")!;
    expect(svg).toHaveAttribute("aria-hidden", "true");
    expect(svg).toHaveAttribute("focusable", "false");
    expect(container.querySelectorAll("[tabindex]")).toHaveLength(0);
    expect(svg.querySelector("path")).toHaveAttribute("d", "M33,5.2L48,22.8");
    expect(svg.querySelectorAll("circle")).toHaveLength(2);
  });
});
