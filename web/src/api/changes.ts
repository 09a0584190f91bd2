/**
 * The API's push stream (`GET /events`), shared by every hook of the page: one EventSource,
 * whatever the number of listeners. While it is open, pages refetch when told something
 * changed instead of polling; when it is unavailable (no EventSource, a proxy that cuts it,
 * an API without /events), `isLive()` is false and they poll as before.
 */

/** A `change` event's data, as the API sends it. */
export interface Change {
  model_version: string | null;
  /** Names whose figures changed; null when too many did: refetch the list. */
  subreddits: string[] | null;
  models: boolean;
  at: number;
}

/** A change to act on; `reset` means anything may have changed (refetch everything). */
export type ChangeNotice = { kind: "change"; change: Change } | { kind: "reset" } | { kind: "down" };

type Listener = (notice: ChangeNotice) => void;

const listeners = new Set<Listener>();
let source: EventSource | undefined;
let live = false;

export const EVENTS_PATH = "/events";

function notify(notice: ChangeNotice): void {
  for (const listener of [...listeners]) listener(notice);
}

function open(): void {
  if (source || typeof EventSource === "undefined") return;
  source = new EventSource(EVENTS_PATH);
  source.onopen = () => {
    const reopened = !live;
    live = true;
    // Events may have been missed while it was down: everyone refetches once.
    if (reopened) notify({ kind: "reset" });
  };
  source.addEventListener("change", (e) => {
    try {
      notify({ kind: "change", change: JSON.parse((e as MessageEvent<string>).data) as Change });
    } catch {
      notify({ kind: "reset" });
    }
  });
  source.addEventListener("reset", () => notify({ kind: "reset" }));
  source.onerror = () => {
    // The browser reconnects by itself (with Last-Event-ID); until then, poll.
    if (live) {
      live = false;
      notify({ kind: "down" });
    }
  };
}

/** Whether the stream is open now: a listener is told of changes as they happen. */
export function isLive(): boolean {
  return live;
}

/** Listen to the stream (opened on first use); returns the function that stops listening. */
export function listenToChanges(listener: Listener): () => void {
  listeners.add(listener);
  open();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && source) {
      source.close();
      source = undefined;
      live = false;
    }
  };
}
