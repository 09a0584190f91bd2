import type { ReactNode } from "react";
import { LiveHeader } from "./components/LiveHeader";
import { NowContext, useTicker } from "./hooks/useNow";
import { NotFoundPage } from "./pages/NotFoundPage";
import { SubredditPage } from "./pages/SubredditPage";
import { SubredditsPage } from "./pages/SubredditsPage";
import { matchRoute, useLocation } from "./router";

export function App() {
  const route = matchRoute(useLocation().pathname);
  return (
    <Clock>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <LiveHeader />
      <main id="main" className="main">
        {route.page === "subreddits" ? (
          <SubredditsPage />
        ) : route.page === "subreddit" ? (
          <SubredditPage key={route.name.toLowerCase()} name={route.name} />
        ) : (
          <NotFoundPage />
        )}
      </main>
    </Clock>
  );
}

/** Ticks relative times ("5 s ago") without re-rendering the pages themselves. */
function Clock({ children }: { children: ReactNode }) {
  const now = useTicker(5000);
  return <NowContext.Provider value={now}>{children}</NowContext.Provider>;
}
