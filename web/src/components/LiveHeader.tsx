import { useId, type ReactNode } from "react";
import { getStatus } from "../api/client";
import type { BackfillProgress, PipelineStatus } from "../api/types";
import { useNow } from "../hooks/useNow";
import { usePolling } from "../hooks/usePolling";
import { formatCount, formatPercent, formatRate, shortVersion } from "../lib/format";
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
        <Promotions backfills={data?.backfills ?? []} />
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

/**
 * Model promotions under way (from /status `backfills`): one line each, with a progress bar.
 * The lines change on every poll, so screen readers hear of them through a separate polite
 * live region that changes only when a promotion starts, stops or goes live, and at every 10%
 * of a backfill. The region is always rendered, so that a promotion starting is announced.
 */
function Promotions({ backfills }: { backfills: BackfillProgress[] }) {
  return (
    <>
      {backfills.length > 0 && (
        <ul className="promotions" aria-label="Model promotions" data-testid="promotions">
          {backfills.map((b) => (
            <Promotion key={b.version} backfill={b} />
          ))}
        </ul>
      )}
      <p className="visually-hidden" aria-live="polite" data-testid="promotions-announcement">
        {backfills.map(announce).join(" ")}
      </p>
    </>
  );
}

function Promotion({ backfill: b }: { backfill: BackfillProgress }) {
  const labelId = useId();
  const version = <code title={b.version}>{shortVersion(b.version)}</code>;
  let text: ReactNode;
  if (b.phase === "backfilling") {
    const rate = b.posts_per_second === null ? "" : `, ${formatRate(b.posts_per_second)} posts/s`;
    text = (
      <>
        Promoting model {version}: {formatPercent(b.fraction)} backfilled ({formatCount(b.scored)} of{" "}
        {formatCount(b.total)} posts{rate})
      </>
    );
  } else if (b.phase === "settling") {
    text = <>Model {version} is live; scoring posts in flight</>;
  } else {
    text = <>Promotion of {version} stopped</>;
  }
  return (
    <li className={`promotion promotion--${b.phase}`} data-testid="promotion">
      {b.phase === "backfilling" ? (
        <progress aria-labelledby={labelId} max={1} value={clamp01(b.fraction)}>
          {formatPercent(b.fraction)}
        </progress>
      ) : b.phase === "settling" ? (
        // Indeterminate: the posts still in flight are not counted.
        <progress aria-labelledby={labelId} />
      ) : null}
      <span id={labelId}>{text}</span>
    </li>
  );
}

function clamp01(fraction: number): number {
  return Math.min(1, Math.max(0, fraction));
}

/** What the live region says about one promotion: its state, the backfill in steps of 10%. */
function announce(b: BackfillProgress): string {
  const version = shortVersion(b.version);
  if (b.phase === "settling") return `Model ${version} is live; scoring posts in flight.`;
  if (b.phase === "stopped") return `Promotion of ${version} stopped.`;
  const tens = Math.floor(clamp01(b.fraction) * 10) * 10;
  return `Promoting model ${version}: ${tens}% backfilled.`;
}
