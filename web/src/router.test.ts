import { describe, expect, it } from "vitest";
import { matchRoute, subredditHref } from "./router";

describe("matchRoute", () => {
  it.each([
    ["/", { page: "subreddits" }],
    ["/index.html", { page: "subreddits" }],
    ["/r/askscience", { page: "subreddit", name: "askscience" }],
    ["/r/AskScience/", { page: "subreddit", name: "AskScience" }],
    ["/r/a%20b", { page: "subreddit", name: "a b" }],
    ["/r/%E0%A4%A", { page: "not-found" }],
    ["/r/", { page: "not-found" }],
    ["/r/a/b", { page: "not-found" }],
    ["/status", { page: "not-found" }],
  ])("%s", (path, route) => {
    expect(matchRoute(path)).toEqual(route);
  });
});

describe("subredditHref", () => {
  it("escapes the name", () => {
    expect(subredditHref("AskScience")).toBe("/r/AskScience");
    expect(subredditHref("a/b")).toBe("/r/a%2Fb");
  });
});
