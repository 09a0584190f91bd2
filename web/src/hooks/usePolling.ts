import { createContext, useContext, useEffect, useRef, useState } from "react";
import { ApiError } from "../api/client";

/** How often pages poll the API, in milliseconds (tests make it short). */
export const PollIntervalContext = createContext(2000);

export interface Poll<T> {
  /** The newest successful response for the current key; kept while later polls fail. */
  data: T | undefined;
  /** The latest failure; cleared by the next success. */
  error: ApiError | undefined;
  /** When the current run of failures started (ms since epoch). */
  failingSince: number | undefined;
}

interface State<T> extends Poll<T> {
  key: string;
}

/**
 * Calls `load` now and then every interval after the previous call settles, so requests never
 * overlap. Identical responses do not re-render. Polling pauses while the tab is hidden and
 * restarts from scratch when `key` changes (a different subreddit or page).
 */
export function usePolling<T>(key: string, load: (signal: AbortSignal) => Promise<T>): Poll<T> {
  const intervalMs = useContext(PollIntervalContext);
  const loadRef = useRef(load);
  loadRef.current = load;
  const [state, setState] = useState<State<T>>(() => empty(key));

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let controller: AbortController | undefined;
    let lastJson: string | undefined;
    let lastError: ApiError | undefined;

    const tick = async () => {
      timer = undefined;
      if (document.hidden) return; // onVisible resumes
      controller = new AbortController();
      try {
        const data = await loadRef.current(controller.signal);
        if (stopped) return;
        // Setting state only on a change keeps an idle dashboard from re-rendering every poll.
        const json = JSON.stringify(data);
        if (json !== lastJson || lastError) {
          lastJson = json;
          lastError = undefined;
          setState({ key, data, error: undefined, failingSince: undefined });
        }
      } catch (exc) {
        if (stopped) return;
        const error = toApiError(exc);
        if (!sameError(error, lastError)) {
          const first = !lastError;
          lastError = error;
          setState((prev) => ({
            key,
            data: prev.key === key ? prev.data : undefined,
            error,
            failingSince: first || prev.failingSince === undefined ? Date.now() : prev.failingSince,
          }));
        }
      } finally {
        controller = undefined;
      }
      if (!stopped) timer = setTimeout(tick, intervalMs);
    };
    const onVisible = () => {
      if (!document.hidden && timer === undefined && controller === undefined) void tick();
    };

    void tick();
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      stopped = true;
      clearTimeout(timer);
      controller?.abort();
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [key, intervalMs]);

  // Until the effect catches up with a new key, show nothing rather than the old resource.
  return state.key === key ? state : empty(key);
}

function empty<T>(key: string): State<T> {
  return { key, data: undefined, error: undefined, failingSince: undefined };
}

function sameError(a: ApiError, b: ApiError | undefined): boolean {
  return b !== undefined && a.status === b.status && a.message === b.message;
}

function toApiError(exc: unknown): ApiError {
  return exc instanceof ApiError ? exc : new ApiError(0, String(exc));
}
