import type { Post } from "../api/types";
import { RelativeTime } from "./RelativeTime";
import { ScoreChip } from "./ScoreChip";

/** Posts, newest first; titles open the post on Reddit. */
export function PostsTable({ posts, busy = false }: { posts: readonly Post[]; busy?: boolean }) {
  return (
    <div className="table-scroll" role="region" aria-label="Posts" tabIndex={0}>
      <table className="table table--posts" data-testid="posts-table" aria-busy={busy}>
        <thead>
          <tr>
            <th scope="col" className="num">
              Score
            </th>
            <th scope="col">Title</th>
            <th scope="col">Posted</th>
          </tr>
        </thead>
        <tbody>
          {posts.map((p) => (
            <tr key={p.id}>
              <td className="num">
                <ScoreChip score={p.seriousness} />
              </td>
              <td className="title">
                <a href={p.permalink} target="_blank" rel="noopener noreferrer">
                  {p.title}
                </a>
              </td>
              <td className="nowrap">
                <RelativeTime iso={p.created_utc} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface PagerProps {
  page: number;
  hasNewer: boolean;
  hasOlder: boolean;
  onNewer: () => void;
  onOlder: () => void;
}

export function Pager({ page, hasNewer, hasOlder, onNewer, onOlder }: PagerProps) {
  return (
    <nav className="pager" aria-label="Posts pages">
      <button type="button" onClick={onNewer} disabled={!hasNewer}>
        ← Newer
      </button>
      <span aria-live="polite">Page {page}</span>
      <button type="button" onClick={onOlder} disabled={!hasOlder}>
        Older →
      </button>
    </nav>
  );
}
