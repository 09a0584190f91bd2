import type { PipelineStatus, SubredditDetail, SubredditsResponse } from "./types";

/**
 * A failed API call. `status` is the HTTP status, or 0 when the server could not be reached
 * (network error, server down, or a response that is not JSON).
 */
export class ApiError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }

  get unreachable(): boolean {
    return this.status === 0 || this.status >= 500;
  }
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    // "no-cache" revalidates every poll, so a server that sends ETags can answer 304 cheaply.
    response = await fetch(path, { headers: { Accept: "application/json" }, cache: "no-cache", signal });
  } catch (exc) {
    if (signal?.aborted) throw exc;
    throw new ApiError(0, `Cannot reach the earnest API (${String(exc)})`);
  }
  if (!response.ok) {
    throw new ApiError(response.status, await errorDetail(response));
  }
  try {
    return (await response.json()) as T;
  } catch {
    throw new ApiError(0, `The earnest API sent a response that is not JSON (${path})`);
  }
}

async function errorDetail(response: Response): Promise<string> {
  try {
    const body: unknown = await response.json();
    if (body && typeof body === "object" && "detail" in body && typeof body.detail === "string") {
      return body.detail;
    }
  } catch {
    // Not JSON (a proxy's error page, say): fall back to the status line.
  }
  return `HTTP ${response.status} ${response.statusText}`.trim();
}

export function getSubreddits(signal?: AbortSignal): Promise<SubredditsResponse> {
  return getJson("/subreddits", signal);
}

export interface PageOptions {
  limit?: number;
  cursor?: string | null;
}

export function subredditPath(name: string, { limit, cursor }: PageOptions = {}): string {
  const params = new URLSearchParams();
  if (limit !== undefined) params.set("limit", String(limit));
  if (cursor) params.set("cursor", cursor);
  const query = params.toString();
  return `/subreddit/${encodeURIComponent(name)}${query ? `?${query}` : ""}`;
}

export function getSubreddit(
  name: string,
  options: PageOptions = {},
  signal?: AbortSignal,
): Promise<SubredditDetail> {
  return getJson(subredditPath(name, options), signal);
}

export function getStatus(signal?: AbortSignal): Promise<PipelineStatus> {
  return getJson("/status", signal);
}
