import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { NowContext } from "../hooks/useNow";
import { PollIntervalContext } from "../hooks/usePolling";
import { NOW } from "./fixtures";

/** Polls fast, so "the next poll" arrives within a `findBy`'s timeout. */
export const TEST_POLL_MS = 25;

/** Renders `ui` at `path` with a fixed clock and fast polling. */
export function renderAt(path: string, ui: ReactElement) {
  window.history.replaceState(null, "", path);
  return render(
    <PollIntervalContext.Provider value={TEST_POLL_MS}>
      <NowContext.Provider value={NOW}>{ui}</NowContext.Provider>
    </PollIntervalContext.Provider>,
  );
}
