import { screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeApi } from "../test/fakeApi";
import { statusFixture } from "../test/fixtures";
import { renderAt } from "../test/render";
import { LiveHeader } from "./LiveHeader";

let api: FakeApi;
beforeEach(() => {
  api = new FakeApi().install();
});

describe("LiveHeader", () => {
  it("shows how fresh the pipeline is", async () => {
    renderAt("/", <LiveHeader />);
    const freshness = screen.getByTestId("freshness");
    expect(await within(freshness).findByText("Live")).toBeInTheDocument();
    expect(screen.getByTestId("newest-post")).toHaveTextContent("30 s ago");
    expect(screen.getByTestId("last-update")).toHaveTextContent("just now");
    expect(screen.getByTestId("lag")).toHaveTextContent("store-posts 10 · score 200 · store-scores –");
    expect(freshness).toHaveTextContent("12,000 / 12,345");
    expect(freshness).not.toHaveTextContent("Dead letters");
  });

  it("flags a stalled pipeline, a long queue and dead letters", async () => {
    api.status = statusFixture({
      last_update_utc: "2026-11-26T09:50:00Z",
      lag: { score: 5000 },
      dead_letters: 2,
    });
    renderAt("/", <LiveHeader />);
    const lastUpdate = await screen.findByTestId("last-update");
    expect(lastUpdate).toHaveTextContent("10 min ago");
    expect(lastUpdate.parentElement).toHaveClass("fact--warn");
    expect(within(screen.getByTestId("lag")).getByText("score 5,000")).toHaveClass("warn");
    expect(screen.getByTestId("freshness")).toHaveTextContent(/Dead letters\s*2/);
  });

  it("copes with a pipeline that has seen nothing yet", async () => {
    api.status = statusFixture({ newest_post_utc: null, last_update_utc: null, posts: 0, scores: 0, lag: {} });
    renderAt("/", <LiveHeader />);
    expect(await screen.findByTestId("newest-post")).toHaveTextContent("–");
    expect(screen.getByTestId("last-update")).toHaveTextContent("–");
    expect(screen.queryByTestId("lag")).not.toBeInTheDocument();
  });

  it("says when the API cannot be reached", async () => {
    api.down = true;
    renderAt("/", <LiveHeader />);
    expect(await screen.findByText("API unreachable, retrying")).toBeInTheDocument();
    api.down = false;
    expect(await screen.findByText("Live")).toBeInTheDocument();
  });
});
