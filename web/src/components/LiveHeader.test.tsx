import { screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeApi } from "../test/fakeApi";
import { backfillFixture, statusFixture } from "../test/fixtures";
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

  it("shows no promotion when none is under way", async () => {
    renderAt("/", <LiveHeader />);
    expect(await within(screen.getByTestId("freshness")).findByText("Live")).toBeInTheDocument();
    expect(screen.queryByTestId("promotions")).not.toBeInTheDocument();
    expect(screen.queryByRole("progressbar")).not.toBeInTheDocument();
    expect(screen.queryByText(/Promot/)).not.toBeInTheDocument();
    expect(screen.getByTestId("promotions-announcement")).toHaveTextContent(/^$/);
  });

  it("shows how far a model's backfill is", async () => {
    api.status = statusFixture({ backfills: [backfillFixture()] });
    renderAt("/", <LiveHeader />);
    const bar = await screen.findByRole("progressbar");
    expect(bar.tagName).toBe("PROGRESS");
    expect(bar).toHaveAttribute("value", String(12345 / 27000));
    expect(bar).toHaveAttribute("max", "1");
    expect(bar).toHaveAccessibleName(
      "Promoting model 9f8e7d6c: 45% backfilled (12,345 of 27,000 posts, 1,234 posts/s)",
    );
    expect(screen.getByTestId("promotion")).toHaveTextContent(
      "Promoting model 9f8e7d6c: 45% backfilled (12,345 of 27,000 posts, 1,234 posts/s)",
    );
    expect(screen.getByTitle("seriousness-20261127-9f8e7d6c")).toHaveTextContent("9f8e7d6c");
    const announcement = screen.getByTestId("promotions-announcement");
    expect(announcement).toHaveAttribute("aria-live", "polite");
    expect(announcement).toHaveTextContent("Promoting model 9f8e7d6c: 40% backfilled.");

    // The next poll, a little further along; without a known speed, none is shown.
    api.status = statusFixture({
      backfills: [backfillFixture({ scored: 13000, fraction: 13000 / 27000, posts_per_second: null })],
    });
    expect(await screen.findByText(/48% backfilled \(13,000 of 27,000 posts\)/)).toBeInTheDocument();
    expect(announcement).toHaveTextContent("Promoting model 9f8e7d6c: 40% backfilled.");
  });

  it("says when a promoted model is live and settling, or its promotion stopped", async () => {
    api.status = statusFixture({
      backfills: [
        backfillFixture({ phase: "settling", scored: 27500, fraction: 1, switched_at: "2026-11-26T10:00:20Z" }),
        backfillFixture({ version: "sklearn-0123abcd", phase: "stopped" }),
      ],
    });
    renderAt("/", <LiveHeader />);
    const [settling, stopped] = await screen.findAllByTestId("promotion");
    expect(settling).toHaveTextContent(/^Model 9f8e7d6c is live; scoring posts in flight$/);
    expect(settling).not.toHaveTextContent("backfilled");
    const bar = within(settling!).getByRole("progressbar");
    expect(bar).not.toHaveAttribute("value"); // indeterminate
    expect(bar).toHaveAccessibleName("Model 9f8e7d6c is live; scoring posts in flight");
    expect(stopped).toHaveTextContent(/^Promotion of 0123abcd stopped$/);
    expect(stopped).toHaveClass("promotion--stopped");
    expect(within(stopped!).queryByRole("progressbar")).not.toBeInTheDocument();
    expect(screen.getByTestId("promotions-announcement")).toHaveTextContent(
      "Model 9f8e7d6c is live; scoring posts in flight. Promotion of 0123abcd stopped.",
    );

    // Once it is done, /status leaves it out.
    api.status = statusFixture({ backfills: [] });
    await waitFor(() => expect(screen.queryByTestId("promotions")).not.toBeInTheDocument());
  });

  it("says when the API cannot be reached", async () => {
    api.down = true;
    renderAt("/", <LiveHeader />);
    expect(await screen.findByText("API unreachable, retrying")).toBeInTheDocument();
    api.down = false;
    expect(await screen.findByText("Live")).toBeInTheDocument();
  });
});
