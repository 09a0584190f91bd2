import type { Score } from "../api/types";

export function formatScore(score: Score): string {
  return score === null ? "–" : score.toFixed(2);
}

// Formatters are built once: building one costs far more than using it, and a table formats
// every row again each time the clock ticks.
const COUNT = new Intl.NumberFormat("en-US");
let dateTime: Intl.DateTimeFormat | undefined;

export function formatCount(n: number): string {
  return COUNT.format(n);
}

/** A speed: "1,234" (whole numbers from 10 up), "2.5" below that. */
export function formatRate(perSecond: number): string {
  return perSecond.toLocaleString("en-US", { maximumFractionDigits: perSecond < 10 ? 1 : 0 });
}

/** A share 0..1 as a whole percentage, rounded down so that "100%" means all of it. */
export function formatPercent(fraction: number): string {
  return `${Math.floor(Math.min(1, Math.max(0, fraction)) * 100)}%`;
}

/**
 * A model version short enough for a header: its content hash ("ab12cd34" of
 * "seriousness-20261126-ab12cd34", or of "sklearn-ab12cd34"), else the version itself.
 */
export function shortVersion(version: string): string {
  const hash = /-([0-9a-f]{6,})$/i.exec(version);
  return hash ? hash[1]! : version;
}

/** "42 s ago", "5 min ago", "3 h ago", "2 d ago" (or "in 5 min" for a clock running ahead). */
export function formatRelative(iso: string, now: number): string {
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  const abs = Math.abs(seconds);
  let text: string;
  if (abs < 5) return "just now";
  if (abs < 60) text = `${abs} s`;
  else if (abs < 3600) text = `${Math.floor(abs / 60)} min`;
  else if (abs < 86400) text = `${Math.floor(abs / 3600)} h`;
  else text = `${Math.floor(abs / 86400)} d`;
  return seconds >= 0 ? `${text} ago` : `in ${text}`;
}

/** A local date and time, e.g. "Thu, Nov 26, 10:04". */
export function formatDateTime(iso: string): string {
  dateTime ??= new Intl.DateTimeFormat(undefined, {
    weekday: "short",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
  return dateTime.format(new Date(iso));
}

/** An hour bucket in local time, e.g. "Thu, Nov 26, 10:00 – 11:00". */
export function formatHour(iso: string): string {
  const start = new Date(iso);
  const end = new Date(start.getTime() + 3600_000);
  const time = (d: Date) => d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  const day = start.toLocaleDateString(undefined, { weekday: "short", month: "short", day: "numeric" });
  return `${day}, ${time(start)} – ${time(end)}`;
}

type Rgb = readonly [number, number, number];

// A diverging scale: warm for playful (0), neutral in the middle, deep blue for serious (1).
const STOPS: readonly Rgb[] = [
  [194, 65, 12],
  [214, 206, 193],
  [29, 78, 216],
];

/** Background and text colours for a score chip; null scores get a neutral grey. */
export function scoreColours(score: Score): { background: string; color: string } {
  if (score === null) return { background: "transparent", color: "inherit" };
  const t = Math.min(1, Math.max(0, score)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(t));
  const a = STOPS[i]!;
  const b = STOPS[i + 1]!;
  const f = t - i;
  const rgb = a.map((v, k) => Math.round(v + (b[k]! - v) * f)) as unknown as Rgb;
  return { background: `rgb(${rgb.join(", ")})`, color: luminance(rgb) > 0.18 ? "#1a1a1a" : "#ffffff" };
}

function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}
