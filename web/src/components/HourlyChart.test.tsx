import { render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { hourlyFixture } from "../test/fixtures";
import { toHourlySeries } from "./chartPoints";
import { HourlyChart } from "./HourlyChart";
import { HourTooltip } from "./HourlyPlot";

describe("toHourlySeries", () => {
  const hourly = hourlyFixture({ 0: [2, 0.4], 1: [3, 0.6], 5: [1, 0.9], 7: [4, null] });
  const series = toHourlySeries(hourly);

  it("keeps every hour, oldest first, on a time axis", () => {
    expect(series).toHaveLength(168);
    expect(series[0]!.time).toBe(Date.parse("2026-11-19T11:00:00Z"));
    expect(series[167]!.time - series[0]!.time).toBe(167 * 3600_000);
  });

  it("leaves empty hours as null gaps, never zero", () => {
    expect(series[2]).toMatchObject({ count: 0, seriousness: null });
    expect(series.filter((p) => p.seriousness === 0)).toEqual([]);
    expect(series.filter((p) => p.seriousness !== null).map((p) => p.seriousness)).toEqual([0.4, 0.6, 0.9]);
  });

  it("keeps the post count of hours whose posts are not scored yet", () => {
    expect(series[7]).toMatchObject({ count: 4, seriousness: null });
  });

  it("flags points with no neighbours, which need a dot to be visible", () => {
    expect(series.filter((p) => p.isolated).map((p) => p.hour)).toEqual([hourly[5]!.hour]);
  });
});

describe("HourTooltip", () => {
  const [full, empty] = toHourlySeries(hourlyFixture({ 0: [3, 0.812] }));

  it("shows the hour, mean score and post count", () => {
    render(<HourTooltip active payload={[{ payload: full! }]} />);
    expect(screen.getByText("0.81")).toBeInTheDocument();
    expect(screen.getByText("3 posts")).toBeInTheDocument();
    expect(screen.getByText(/–/)).toBeInTheDocument();
  });

  it("says an empty hour had no posts", () => {
    render(<HourTooltip active payload={[{ payload: empty! }]} />);
    expect(screen.getByText("No posts")).toBeInTheDocument();
  });

  it("renders nothing when inactive", () => {
    const { container } = render(<HourTooltip active={false} payload={[{ payload: full! }]} />);
    expect(container).toBeEmptyDOMElement();
  });
});

describe("HourlyChart", () => {
  it("draws separate line segments around empty hours, and a dot for a lone hour", async () => {
    render(<HourlyChart hourly={hourlyFixture({ 3: [1, 0.5], 4: [2, 0.7], 10: [1, 0.2], 11: [1, 0.3], 20: [1, 0.9] })} />);
    const chart = screen.getByTestId("hourly-chart");
    // The chart library arrives on demand; until then a placeholder keeps the chart's height.
    await waitFor(() => expect(chart.querySelector(".recharts-line-curve")).not.toBeNull());
    const line = chart.querySelector(".recharts-line-curve");
    // Each "M" (move-to) starts a new piece: hours 3-4, hours 10-11, and hour 20 alone.
    expect(line?.getAttribute("d")?.match(/M/g)).toHaveLength(3);
    expect(chart.querySelectorAll(".recharts-line-dots circle")).toHaveLength(1);
  });

  it("describes coverage for screen readers", () => {
    render(<HourlyChart hourly={hourlyFixture({ 3: [1, 0.5], 4: [2, 0.7] })} />);
    const chart = screen.getByTestId("hourly-chart");
    expect(chart).toHaveTextContent("2 of 168 hours have scored posts");
  });

  it("says so when the week has no scored posts", () => {
    render(<HourlyChart hourly={hourlyFixture()} />);
    expect(screen.getByTestId("hourly-chart")).toHaveTextContent("No scored posts in the last 7 days.");
  });
});
