import { memo } from "react";
import { Line, LineChart, YAxis } from "recharts";
import type { Score } from "../api/types";
import { formatScore } from "../lib/format";
import { isolatedFlags } from "./chartPoints";

interface Point {
  day: number;
  value: Score;
  isolated: boolean;
}

/** A tiny line of the last seven daily means; empty days are gaps. */
export const Sparkline = memo(function Sparkline({ values }: { values: readonly Score[] }) {
  const isolated = isolatedFlags(values);
  const data: Point[] = values.map((value, day) => ({ day, value, isolated: isolated[day]! }));
  const label = `Daily seriousness, last ${values.length} days: ${
    values.map((v) => (v === null ? "no posts" : formatScore(v))).join(", ")
  }`;
  return (
    <span className="sparkline" role="img" aria-label={label} title={label}>
      <LineChart width={96} height={28} data={data} margin={{ top: 3, right: 3, bottom: 3, left: 3 }} accessibilityLayer={false}>
        <YAxis hide domain={[0, 1]} />
        <Line
          dataKey="value"
          stroke="#3b6fd8"
          strokeWidth={1.75}
          connectNulls={false}
          isAnimationActive={false}
          dot={(props) => <IsolatedDot key={props.index} {...props} />}
          activeDot={false}
        />
      </LineChart>
    </span>
  );
});

export function IsolatedDot({ cx, cy, payload, r = 2 }: { cx?: number; cy?: number; payload?: { isolated?: boolean }; r?: number | string }) {
  if (!payload?.isolated || cx === undefined || cy === undefined) return null;
  return <circle cx={cx} cy={cy} r={r} fill="#3b6fd8" />;
}
