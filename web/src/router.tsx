/**
 * A tiny history-based router: two routes do not need a library.
 *
 * `navigate` pushes a URL and tells subscribers; the back/forward buttons arrive as popstate.
 */
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from "react";

const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (listeners.size === 1) window.addEventListener("popstate", notify);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) window.removeEventListener("popstate", notify);
  };
}

function snapshot(): string {
  return window.location.pathname + window.location.search;
}

/** The current path plus query string; re-renders the caller when it changes. */
export function useLocation(): URL {
  const href = useSyncExternalStore(subscribe, snapshot);
  return new URL(href, window.location.origin);
}

export function navigate(to: string, { replace = false }: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (replace) {
    window.history.replaceState(null, "", to);
  } else {
    window.history.pushState(null, "", to);
    window.scrollTo?.(0, 0);
  }
  notify();
}

export function subredditHref(name: string): string {
  return `/r/${encodeURIComponent(name)}`;
}

/** Which page a path shows. */
export type Route = { page: "subreddits" } | { page: "subreddit"; name: string } | { page: "not-found" };

export function matchRoute(pathname: string): Route {
  if (pathname === "/" || pathname === "/index.html") return { page: "subreddits" };
  const match = /^\/r\/([^/]+)\/?$/.exec(pathname);
  if (match?.[1]) {
    try {
      return { page: "subreddit", name: decodeURIComponent(match[1]) };
    } catch {
      return { page: "not-found" };
    }
  }
  return { page: "not-found" };
}

/** An ordinary link that navigates in-app on a plain left click (new tab etc. still work). */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey ||
      rest.target
    ) {
      return;
    }
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={handleClick} {...rest} />;
}
