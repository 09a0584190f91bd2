import { describe, expect, it } from "vitest";
import { summary } from "../test/fixtures";
import { extremes, filterSubreddits, nextSort, sortSubreddits } from "./subredditSort";

const rows = [
  summary({ name: "b", seriousness: 0.5, posts: 3 }),
  summary({ name: "A", seriousness: null, posts: 9, last_post_utc: null }),
  summary({ name: "c", seriousness: 0.9, posts: 1 }),
  summary({ name: "d", seriousness: 0.1, posts: 3 }),
];
const names = (rs: { name: string }[]) => rs.map((r) => r.name);

describe("sortSubreddits", () => {
  it("sorts scores either way, with missing scores last both times", () => {
    expect(names(sortSubreddits(rows, { key: "seriousness", dir: "desc" }))).toEqual(["c", "b", "d", "A"]);
    expect(names(sortSubreddits(rows, { key: "seriousness", dir: "asc" }))).toEqual(["d", "b", "c", "A"]);
  });

  it("sorts names case-insensitively and breaks ties by name", () => {
    expect(names(sortSubreddits(rows, { key: "name", dir: "asc" }))).toEqual(["A", "b", "c", "d"]);
    expect(names(sortSubreddits(rows, { key: "posts", dir: "desc" }))).toEqual(["A", "b", "d", "c"]);
  });

  it("does not modify its input", () => {
    const before = names(rows);
    sortSubreddits(rows, { key: "name", dir: "desc" });
    expect(names(rows)).toEqual(before);
  });
});

describe("nextSort", () => {
  it("starts names A to Z and numbers biggest first, then flips", () => {
    expect(nextSort({ key: "seriousness", dir: "desc" }, "name")).toEqual({ key: "name", dir: "asc" });
    expect(nextSort({ key: "name", dir: "asc" }, "posts")).toEqual({ key: "posts", dir: "desc" });
    expect(nextSort({ key: "posts", dir: "desc" }, "posts")).toEqual({ key: "posts", dir: "asc" });
  });
});

describe("filterSubreddits", () => {
  it("matches substrings case-insensitively and ignores an r/ prefix", () => {
    expect(names(filterSubreddits(rows, "  B "))).toEqual(["b"]);
    expect(names(filterSubreddits(rows, "r/a"))).toEqual(["A"]);
    expect(filterSubreddits(rows, "")).toHaveLength(4);
  });
});

describe("extremes", () => {
  it("picks the most and least serious scored subreddits", () => {
    const { most, least } = extremes(rows);
    expect(most?.name).toBe("c");
    expect(least?.name).toBe("d");
  });

  it("has no least serious when only one subreddit is scored", () => {
    expect(extremes([rows[0]!, rows[1]!])).toEqual({ most: rows[0], least: undefined });
  });
});
