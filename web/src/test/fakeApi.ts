import { vi } from "vitest";
import type { PipelineStatus, SubredditDetail, SubredditsResponse } from "../api/types";
import { statusFixture, subredditsFixture } from "./fixtures";

/**
 * An in-memory earnest API behind `fetch`, following the documented contract (404 for an
 * unknown subreddit, 422 for an invalid name). Tests change its fields to simulate the
 * pipeline moving on, or set `down` to make every request fail like a stopped server.
 */
export class FakeApi {
  subreddits: SubredditsResponse = subredditsFixture();
  status: PipelineStatus = statusFixture();
  /** Per lower-cased name: pages of posts, by cursor (null is the first page). */
  details = new Map<string, Map<string | null, SubredditDetail>>();
  down = false;
  /** Every requested path with its query string, in order. */
  requests: string[] = [];

  install(): this {
    vi.stubGlobal("fetch", (input: RequestInfo | URL) => this.handle(String(input)));
    return this;
  }

  requestsFor(prefix: string): string[] {
    return this.requests.filter((r) => r.startsWith(prefix));
  }

  private async handle(path: string): Promise<Response> {
    this.requests.push(path);
    if (this.down) throw new TypeError("Failed to fetch");
    const url = new URL(path, "http://earnest.test");
    if (url.pathname === "/subreddits") return json(200, this.subreddits);
    if (url.pathname === "/status") return json(200, this.status);
    const match = /^\/subreddit\/([^/]+)$/.exec(url.pathname);
    if (match) {
      const name = decodeURIComponent(match[1]!);
      if (!/^[A-Za-z0-9_]{2,21}$/.test(name)) return json(422, { detail: "invalid subreddit name" });
      const pages = this.details.get(name.toLowerCase());
      if (!pages) return json(404, { detail: `unknown subreddit: ${name}` });
      const page = pages.get(url.searchParams.get("cursor"));
      return page ? json(200, page) : json(422, { detail: "invalid cursor: pass back a next_cursor unchanged" });
    }
    return json(404, { detail: "Not Found" });
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}
