import { act, Profiler, type ProfilerOnRenderCallback } from "react";
import { render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { SubredditSummary } from "../api/types";
import { summary } from "../test/fixtures";
import { FIRST_ROWS, MORE_ROWS, SubredditsTable } from "./SubredditsTable";
import { DEFAULT_SORT } from "./subredditSort";

function many(n: number): SubredditSummary[] {
  return Array.from({ length: n }, (_, i) =>
    summary({
      name: `sub${String(i).padStart(5, "0")}`,
      seriousness: (i % 100) / 100,
      posts: 10_000 - i,
      last_7d: [0.1, null, 0.3, 0.4, null, 0.6, (i % 10) / 10],
    }),
  );
}

function rowCount(): number {
  return screen.getByTestId("subreddits-table").querySelectorAll("tbody tr").length;
}

/** Renders the table inside a Profiler; returns every commit's render time in ms. */
function renderTimed(rows: readonly SubredditSummary[]) {
  const durations: number[] = [];
  const onRender: ProfilerOnRenderCallback = (_id, _phase, actualDuration) => durations.push(actualDuration);
  const ui = (r: readonly SubredditSummary[]) => (
    <Profiler id="table" onRender={onRender}>
      <SubredditsTable rows={r} sort={DEFAULT_SORT} onSort={() => {}} />
    </Profiler>
  );
  const view = render(ui(rows));
  return { durations, rerender: (r: readonly SubredditSummary[]) => view.rerender(ui(r)) };
}

// Thousands of rows in jsdom take a while on a busy machine.
describe("SubredditsTable with many subreddits", { timeout: 120_000 }, () => {
  it("shows the first rows at once and the rest in later steps, none of them a long render", async () => {
    const rows = many(2000);
    const { durations } = renderTimed(rows);
    expect(rowCount()).toBe(FIRST_ROWS);
    await waitFor(() => expect(rowCount()).toBe(2000), { timeout: 100_000 });
    // jsdom is many times slower than a browser, and its speed depends on the machine's load, so
    // the bound is relative: no single render does more than a third of the work of all rows.
    const total = durations.reduce((a, b) => a + b, 0);
    console.info(`table renders (ms): ${durations.map((d) => d.toFixed(0)).join(", ")}`);
    expect(durations.length).toBeGreaterThanOrEqual(1 + Math.ceil((2000 - FIRST_ROWS) / MORE_ROWS));
    expect(Math.max(...durations)).toBeLessThan(total / 3);
  });

  it("does not render again the rows that a new poll left unchanged", async () => {
    const rows = many(500);
    const { durations, rerender } = renderTimed(rows);
    await waitFor(() => expect(rowCount()).toBe(500), { timeout: 100_000 });
    const full = durations.reduce((a, b) => a + b, 0);
    durations.length = 0;
    const polled = rows.map((r) => ({ ...r, last_7d: [...r.last_7d] }));
    polled[5] = { ...polled[5]!, posts: 1 };
    act(() => rerender(polled));
    expect(screen.getAllByText("1", { selector: "td" })).toHaveLength(1);
    expect(durations.reduce((a, b) => a + b, 0)).toBeLessThan(full / 4);
  });

  it("keeps every row when the list is re-sorted", async () => {
    const rows = many(300);
    const { rerender } = renderTimed(rows);
    await waitFor(() => expect(rowCount()).toBe(300), { timeout: 100_000 });
    act(() => rerender([...rows].reverse()));
    expect(rowCount()).toBe(300);
    expect(screen.getByTestId("subreddits-table").querySelector("tbody th")).toHaveTextContent("r/sub00299");
  });
});
