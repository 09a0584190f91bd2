import { createContext, useContext, useEffect, useRef, useState } from "react";
import { type Change, isLive, listenToChanges } from "../api/changes";
import { ApiError } from "../api/client";

/** How often pages poll the API, in milliseconds (tests make it short). */
export const PollIntervalContext = createContext(2000);

/** While the push stream is open, a page still refetches this often, in case it missed one. */
export const SAFETY_REFETCH_MS = 30_000;

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
 * Calls `load` now, then again whenever the API's push stream says something relevant changed
 * (`relevant`, by default any change), or every interval when the stream is unavailable; a
 * call starts only after the previous one settles, so requests never overlap. Identical
 * responses do not re-render. It pauses while the tab is hidden and restarts from scratch when
 * `key` changes (a different subreddit or page).
 */
export function usePolling<T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
  relevant: (change: Change) => boolean = () => true,
): Poll<T> {
  const intervalMs = useContext(PollIntervalContext);
  const loadRef = useRef(load);
  loadRef.current = load;
  const relevantRef = useRef(relevant);
  relevantRef.current = relevant;
  const [state, setState] = useState<State<T>>(() => empty(key));

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let controller: AbortController | undefined;
    let lastJson: string | undefined;
    let lastError: ApiError | undefined;
    let dirty = false; // told of a change while a call was in flight

    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(tick, isLive() && !lastError ? SAFETY_REFETCH_MS : intervalMs);
    };
    const tick = async () => {
      timer = undefined;
      dirty = false;
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
      if (stopped) return;
      if (dirty) void tick();
      else schedule();
    };
    const onVisible = () => {
      if (!document.hidden && timer === undefined && controller === undefined) void tick();
    };
    const stopListening = listenToChanges((notice) => {
      if (notice.kind === "change" && !relevantRef.current(notice.change)) return;
      if (notice.kind === "down") {
        if (timer !== undefined) schedule(); // back to polling at once
        return;
      }
      if (controller !== undefined) dirty = true;
      else if (timer !== undefined) {
        clearTimeout(timer);
        void tick();
      }
    });

    void tick();
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      stopped = true;
      clearTimeout(timer);
      controller?.abort();
      stopListening();
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
