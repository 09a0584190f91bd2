import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { Link } from "../router";

export function NotFoundPage() {
  useDocumentTitle("Not found");
  return (
    <div className="empty" data-testid="page-not-found">
      <h1>Page not found</h1>
      <p>There is nothing at this address.</p>
      <p>
        <Link href="/">← Back to all subreddits</Link>
      </p>
    </div>
  );
}
