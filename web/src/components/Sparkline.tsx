import { memo } from "react";
import type { Score } from "../api/types";
import { formatScore } from "../lib/format";
import { isolatedFlags } from "./chartPoints";

const WIDTH = 96;
const HEIGHT = 28;
const PAD = 3;

/** The SVG shapes of a sparkline: one path for the runs of days with a score, dots for lone days. */
export function sparklineShape(values: readonly Score[]): { path: string; dots: { x: number; y: number }[] } {
  const step = values.length > 1 ? (WIDTH - 2 * PAD) / (values.length - 1) : 0;
  const x = (i: number) => round(PAD + i * step);
  // Scores live in 0..1; 1 is at the top.
  const y = (v: number) => round(PAD + (1 - v) * (HEIGHT - 2 * PAD));
  const isolated = isolatedFlags(values);
  let path = "";
  const dots: { x: number; y: number }[] = [];
  values.forEach((v, i) => {
    if (v === null) return;
    if (isolated[i]) dots.push({ x: x(i), y: y(v) });
    else path += `${values[i - 1] == null ? "M" : "L"}${x(i)},${y(v)}`;
  });
  return { path, dots };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * A tiny line of the last seven daily means; empty days are gaps. Plain SVG: a table has one per
 * row, and a chart library's per-chart cost is what made the table slow.
 */
export const Sparkline = memo(function Sparkline({ values }: { values: readonly Score[] }) {
  const { path, dots } = sparklineShape(values);
  const label = `Daily seriousness, last ${values.length} days: ${
    values.map((v) => (v === null ? "no posts" : formatScore(v))).join(", ")
  }`;
  return (
    <span className="sparkline" role="img" aria-label={label} title={label}>
      <svg width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} aria-hidden="true" focusable="false">
        {path && <path d={path} />}
        {dots.map((d) => (
          <circle key={d.x} cx={d.x} cy={d.y} r={2} />
        ))}
      </svg>
    </span>
  );
});
