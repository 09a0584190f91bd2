import { useNow } from "../hooks/useNow";
import { formatDateTime, formatRelative } from "../lib/format";

/** "5 min ago", with the local date and time on hover; "–" for a missing time. */
export function RelativeTime({ iso, className }: { iso: string | null; className?: string }) {
  const now = useNow();
  if (iso === null) return <span className={className}>–</span>;
  return (
    <time className={className} dateTime={iso} title={formatDateTime(iso)}>
      {formatRelative(iso, now)}
    </time>
  );
}
