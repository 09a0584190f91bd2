import { lazy, Suspense } from "react";
import type { HourlyBucket } from "../api/types";
import { toHourlySeries } from "./chartPoints";

export const CHART_HEIGHT = 280;

// The chart library is most of the dashboard's JavaScript and only this page draws with it, so it
// is fetched when a chart is first shown, not with the home page.
const HourlyPlot = lazy(() => import("./HourlyPlot").then((m) => ({ default: m.HourlyPlot })));

/** Hourly mean seriousness over the last seven days, with a tooltip per hour. */
export function HourlyChart({ hourly }: { hourly: readonly HourlyBucket[] }) {
  const points = toHourlySeries(hourly);
  const scored = points.filter((p) => p.seriousness !== null).length;
  return (
    <figure className="chart" data-testid="hourly-chart">
      <figcaption className="visually-hidden">
        Hourly mean seriousness over the last 7 days; {scored} of {points.length} hours have scored
        posts. Hours without posts are left as gaps.
      </figcaption>
      {scored === 0 ? (
        <p className="chart__empty">No scored posts in the last 7 days.</p>
      ) : (
        <Suspense fallback={<div className="chart__loading" style={{ height: CHART_HEIGHT }} aria-hidden="true" />}>
          <HourlyPlot points={points} height={CHART_HEIGHT} />
        </Suspense>
      )}
    </figure>
  );
}
