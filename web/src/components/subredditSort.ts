import type { SubredditSummary } from "../api/types";

export type SortKey = "name" | "seriousness" | "posts" | "last_post";
export type SortDir = "asc" | "desc";
export interface Sort {
  key: SortKey;
  dir: SortDir;
}

export const SORT_KEYS: readonly SortKey[] = ["name", "seriousness", "posts", "last_post"];
export const DEFAULT_SORT: Sort = { key: "seriousness", dir: "desc" };

/** The direction a column starts in when first clicked: A→Z for names, biggest first otherwise. */
export function firstDir(key: SortKey): SortDir {
  return key === "name" ? "asc" : "desc";
}

/** Clicking a header: a new column starts in its natural direction, the same column flips. */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key !== key) return { key, dir: firstDir(key) };
  return { key, dir: current.dir === "asc" ? "desc" : "asc" };
}

function sortValue(s: SubredditSummary, key: SortKey): string | number | null {
  switch (key) {
    case "name":
      return s.name.toLowerCase();
    case "seriousness":
      return s.seriousness;
    case "posts":
      return s.posts;
    case "last_post":
      return s.last_post_utc === null ? null : Date.parse(s.last_post_utc);
  }
}

// One collator for every comparison: `localeCompare` with options builds a new one per call.
const NAMES = new Intl.Collator("en", { sensitivity: "base" });

/** A sorted copy; missing values go last in either direction, ties fall back to the name. */
export function sortSubreddits(rows: readonly SubredditSummary[], { key, dir }: Sort): SubredditSummary[] {
  const sign = dir === "asc" ? 1 : -1;
  // Each row's value is computed once, not once per comparison (dates are parsed).
  const keyed = rows.map((row) => ({ row, value: sortValue(row, key) }));
  keyed.sort((a, b) => {
    const va = a.value;
    const vb = b.value;
    if (va === null || vb === null) {
      if (va !== vb) return va === null ? 1 : -1;
    } else if (va !== vb) {
      return (va < vb ? -1 : 1) * sign;
    }
    return NAMES.compare(a.row.name, b.row.name);
  });
  return keyed.map((k) => k.row);
}

export function filterSubreddits(rows: readonly SubredditSummary[], query: string): SubredditSummary[] {
  const needle = query.trim().replace(/^\/?r\//i, "").toLowerCase();
  return needle ? rows.filter((s) => s.name.toLowerCase().includes(needle)) : [...rows];
}

/** The most and least serious subreddits that have a score. */
export function extremes(rows: readonly SubredditSummary[]): {
  most?: SubredditSummary;
  least?: SubredditSummary;
} {
  const scored = sortSubreddits(
    rows.filter((s) => s.seriousness !== null),
    { key: "seriousness", dir: "desc" },
  );
  return { most: scored[0], least: scored.length > 1 ? scored[scored.length - 1] : undefined };
}
