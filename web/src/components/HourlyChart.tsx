import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { HourlyBucket, Score } from "../api/types";
import { formatCount, formatHour, formatScore } from "../lib/format";
import { isolatedFlags } from "./chartPoints";

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

function dayLabel(time: number): string {
  return new Date(time).toLocaleDateString(undefined, { weekday: "short", day: "numeric" });
}

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
        <ResponsiveContainer width="100%" height={280} initialDimension={{ width: 640, height: 280 }}>
          <LineChart data={points} margin={{ top: 10, right: 12, bottom: 4, left: -12 }}>
            <CartesianGrid vertical={false} />
            <XAxis
              dataKey="time"
              type="number"
              scale="time"
              domain={["dataMin", "dataMax"]}
              ticks={dayTicks(points)}
              tickFormatter={dayLabel}
              tick={{ fontSize: 12 }}
            />
            <YAxis domain={[0, 1]} ticks={[0, 0.25, 0.5, 0.75, 1]} tick={{ fontSize: 12 }} />
            <Tooltip content={<HourTooltip />} isAnimationActive={false} />
            <Line
              dataKey="seriousness"
              name="Mean seriousness"
              type="linear"
              stroke="#3b6fd8"
              strokeWidth={2}
              connectNulls={false}
              isAnimationActive={false}
              dot={(props) => <IsolatedDot key={props.index} {...props} r={3} />}
              activeDot={{ r: 4 }}
            />
          </LineChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}

interface TooltipProps {
  active?: boolean;
  payload?: ReadonlyArray<{ payload?: HourPoint }>;
}

export function HourTooltip({ active, payload }: TooltipProps) {
  const point = payload?.[0]?.payload;
  if (!active || !point) return null;
  return (
    <div className="tooltip">
      <div className="tooltip__hour">{formatHour(point.hour)}</div>
      {point.count === 0 ? (
        <div>No posts</div>
      ) : (
        <>
          <div>
            {point.seriousness === null ? (
              "Not scored yet"
            ) : (
              <>
                Mean score <strong>{formatScore(point.seriousness)}</strong>
              </>
            )}
          </div>
          <div>
            {formatCount(point.count)} post{point.count === 1 ? "" : "s"}
          </div>
        </>
      )}
    </div>
  );
}

/** A dot for a point with no neighbours, which would otherwise draw nothing. */
function IsolatedDot({ cx, cy, payload, r = 2 }: { cx?: number; cy?: number; payload?: { isolated?: boolean }; r?: number | string }) {
  if (!payload?.isolated || cx === undefined || cy === undefined) return null;
  return <circle cx={cx} cy={cy} r={r} fill="#3b6fd8" />;
}
