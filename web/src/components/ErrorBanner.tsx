import type { ApiError } from "../api/client";

/** Says the API is failing and that the page keeps retrying; older figures stay visible. */
export function ErrorBanner({ error, failingSince }: { error: ApiError; failingSince?: number }) {
  const since = failingSince ? ` since ${new Date(failingSince).toLocaleTimeString()}` : "";
  const what = error.unreachable
    ? `The earnest API has not answered${since}.`
    : `The earnest API has returned errors${since}.`;
  return (
    <div className="banner banner--error" role="alert" data-testid="error-banner">
      <strong>{what}</strong> Retrying automatically; figures on this page may be out of date.
      <span className="banner__detail">{error.message}</span>
    </div>
  );
}
