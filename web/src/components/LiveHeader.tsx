import { getStatus } from "../api/client";
import type { PipelineStatus } from "../api/types";
import { useNow } from "../hooks/useNow";
import { usePolling } from "../hooks/usePolling";
import { formatCount } from "../lib/format";
import { Link } from "../router";
import { RelativeTime } from "./RelativeTime";

// Past this, "last update" is flagged: the pipeline is probably stuck or stopped.
const STALE_AFTER_MS = 60_000;
const LAG_WARNING = 1000;

/** The site header: name, and how fresh the pipeline's data is (from /status). */
export function LiveHeader() {
  const { data, error } = usePolling("status", getStatus);
  const connection = error ? "offline" : data ? "live" : "connecting";
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <Link href="/" className="brand">
          earnest
          <span className="brand__tag">how serious is Reddit, live</span>
        </Link>
        <section className="freshness" data-testid="freshness" aria-label="Pipeline freshness">
          <span className={`pill pill--${connection}`} role="status">
            <span className="pill__dot" aria-hidden="true" />
            {connection === "live" ? "Live" : connection === "offline" ? "API unreachable, retrying" : "Connecting…"}
          </span>
          {data && <Freshness status={data} />}
        </section>
      </div>
    </header>
  );
}

function Freshness({ status }: { status: PipelineStatus }) {
  const now = useNow();
  const stale =
    status.last_update_utc !== null && now - Date.parse(status.last_update_utc) > STALE_AFTER_MS;
  const lag = Object.entries(status.lag);
  return (
    <dl className="facts">
      <div>
        <dt>Newest post</dt>
        <dd data-testid="newest-post">
          <RelativeTime iso={status.newest_post_utc} />
        </dd>
      </div>
      <div className={stale ? "fact--warn" : undefined}>
        <dt>Last update</dt>
        <dd data-testid="last-update">
          <RelativeTime iso={status.last_update_utc} />
        </dd>
      </div>
      <div>
        <dt>Scored</dt>
        <dd>
          {formatCount(status.scores)} / {formatCount(status.posts)}
        </dd>
      </div>
      {lag.length > 0 && (
        <div>
          <dt>Lag</dt>
          <dd data-testid="lag">
            {lag.map(([consumer, n], i) => (
              <span key={consumer} className={n !== null && n >= LAG_WARNING ? "warn" : undefined}>
                {i > 0 && " · "}
                {consumer} {n === null ? "–" : formatCount(n)}
              </span>
            ))}
          </dd>
        </div>
      )}
      {status.dead_letters > 0 && (
        <div className="fact--warn">
          <dt>Dead letters</dt>
          <dd>{formatCount(status.dead_letters)}</dd>
        </div>
      )}
    </dl>
  );
}
