import type { Score } from "../api/types";

/**
 * For each value, whether it is a point with no neighbour on either side. With
 * `connectNulls={false}` such a point draws no line segment, so it needs a dot to be seen.
 */
export function isolatedFlags(values: readonly Score[]): boolean[] {
  return values.map(
    (v, i) => v !== null && (values[i - 1] ?? null) === null && (values[i + 1] ?? null) === null,
  );
}
