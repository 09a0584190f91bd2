import type { HourlyBucket, Score } from "../api/types";

/**
 * For each value, whether it is a point with no neighbour on either side. A line with gaps draws
 * no segment for such a point, so it needs a dot to be seen.
 */
export function isolatedFlags(values: readonly Score[]): boolean[] {
  return values.map(
    (v, i) => v !== null && (values[i - 1] ?? null) === null && (values[i + 1] ?? null) === null,
  );
}

/** One point of the hourly chart; `seriousness` stays null for empty hours so the line breaks. */
export interface HourPoint {
  time: number;
  hour: string;
  count: number;
  seriousness: Score;
  isolated: boolean;
}

export function toHourlySeries(hourly: readonly HourlyBucket[]): HourPoint[] {
  const isolated = isolatedFlags(hourly.map((h) => h.seriousness));
  return hourly.map((h, i) => ({
    time: Date.parse(h.hour),
    hour: h.hour,
    count: h.count,
    seriousness: h.count === 0 ? null : h.seriousness,
    isolated: isolated[i]!,
  }));
}

/** Tick positions at local midnight, so the axis reads as days. */
export function dayTicks(points: readonly HourPoint[]): number[] {
  return points.filter((p) => new Date(p.time).getHours() === 0).map((p) => p.time);
}
