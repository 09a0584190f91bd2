import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatCount, formatHour, formatScore } from "../lib/format";
import { dayTicks, type HourPoint } from "./chartPoints";

function dayLabel(time: number): string {
  return new Date(time).toLocaleDateString(undefined, { weekday: "short", day: "numeric" });
}

/** The Recharts drawing of the hourly chart; loaded on demand by `HourlyChart`. */
export function HourlyPlot({ points, height }: { points: readonly HourPoint[]; height: number }) {
  return (
    <ResponsiveContainer width="100%" height={height} initialDimension={{ width: 640, height }}>
      <LineChart data={points as HourPoint[]} margin={{ top: 10, right: 12, bottom: 4, left: -12 }}>
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
