import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeApi } from "../test/fakeApi";
import { detailPages, hourlyFixture } from "../test/fixtures";
import { renderAt } from "../test/render";
import { SubredditPage, weekMean } from "./SubredditPage";

let api: FakeApi;
beforeEach(() => {
  api = new FakeApi().install();
  api.details.set("askscience", detailPages("askscience", 120, 50));
});

// Plain selectors: role queries over a 50-row table are slow in jsdom.
function postTitles(): string[] {
  return [...screen.getByTestId("posts-table").querySelectorAll("tbody a")].map((a) => a.textContent ?? "");
}

describe("SubredditPage", () => {
  it("shows the all-time score, the hourly chart and the newest posts", async () => {
    renderAt("/r/askscience", <SubredditPage name="askscience" />);
    expect(await screen.findByTestId("all-time-score")).toHaveTextContent("0.87");
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("r/askscience");
    expect(screen.getByTestId("hourly-chart")).toHaveTextContent("4 of 168 hours have scored posts");
    expect(screen.getByText("120", { selector: ".card__value" })).toBeInTheDocument();
    expect(document.title).toBe("r/askscience · earnest");

    const titles = postTitles();
    expect(titles).toHaveLength(50);
    expect(titles.slice(0, 2)).toEqual(["Post number 1", "Post number 2"]);
    const link = screen.getByRole("link", { name: "Post number 1" });
    expect(link).toHaveAttribute("href", "https://www.reddit.com/r/askscience/comments/p1/post_number_1/");
    expect(link).toHaveAttribute("target", "_blank");
    const row = link.closest("tr")!;
    expect(within(row).getByText("0.10")).toBeInTheDocument();
    expect(within(row).getByText("1 min ago")).toBeInTheDocument();
    expect(api.requests).toContain("/subreddit/askscience?limit=50");
  });

  it("pages through older posts by cursor and back again", async () => {
    const user = userEvent.setup();
    renderAt("/r/askscience", <SubredditPage name="askscience" />);
    await screen.findByTestId("posts-table");
    const newer = screen.getByRole("button", { name: /Newer/ });
    const older = screen.getByRole("button", { name: /Older/ });
    expect(newer).toBeDisabled();
    expect(screen.getByText("Page 1")).toBeInTheDocument();

    await user.click(older);
    await waitFor(() => expect(postTitles()[0]).toBe("Post number 51"));
    expect(api.requests).toContain("/subreddit/askscience?limit=50&cursor=c1");
    expect(screen.getByText("Page 2")).toBeInTheDocument();

    await user.click(older);
    await waitFor(() => expect(postTitles()[0]).toBe("Post number 101"));
    expect(postTitles()).toHaveLength(20);
    expect(older).toBeDisabled();

    await user.click(newer);
    await waitFor(() => expect(postTitles()[0]).toBe("Post number 51"));
    expect(screen.getByText("Page 2")).toBeInTheDocument();
    await user.click(newer);
    await waitFor(() => expect(postTitles()[0]).toBe("Post number 1"));
    expect(newer).toBeDisabled();
    expect(screen.getByTestId("all-time-score")).toHaveTextContent("0.87");
  });

  it("finds a subreddit whatever the case of its name", async () => {
    renderAt("/r/AskScience", <SubredditPage name="AskScience" />);
    expect(await screen.findByTestId("all-time-score")).toHaveTextContent("0.87");
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("r/askscience");
  });

  it("shows new posts as they are scored", async () => {
    renderAt("/r/askscience", <SubredditPage name="askscience" />);
    await screen.findByTestId("posts-table");
    api.details.set("askscience", detailPages("askscience", 3, 50));
    await waitFor(() => expect(postTitles()).toHaveLength(3));
  });

  it("explains an unknown subreddit, with a way back", async () => {
    renderAt("/r/nosuchplace", <SubredditPage name="nosuchplace" />);
    const message = await screen.findByTestId("not-found");
    expect(message).toHaveTextContent("r/nosuchplace is not tracked");
    expect(within(message).getByRole("link", { name: /Back to all subreddits/ })).toHaveAttribute("href", "/");
  });

  it("explains an invalid subreddit name", async () => {
    renderAt("/r/no-such!", <SubredditPage name="no-such!" />);
    expect(await screen.findByTestId("not-found")).toHaveTextContent("“no-such!” is not a valid subreddit name");
  });

  it("treats a rejected cursor as an error on that page, not as a bad name", async () => {
    const user = userEvent.setup();
    renderAt("/r/askscience", <SubredditPage name="askscience" />);
    await screen.findByTestId("posts-table");
    api.details.get("askscience")!.delete("c1");
    await user.click(screen.getByRole("button", { name: /Older/ }));
    expect(await screen.findByTestId("error-banner")).toHaveTextContent("invalid cursor");
    expect(screen.queryByTestId("not-found")).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: /Newer/ }));
    await waitFor(() => expect(screen.queryByTestId("error-banner")).not.toBeInTheDocument());
    expect(postTitles()[0]).toBe("Post number 1");
  });

  it("shows a banner while the API is down and fills in once it is back", async () => {
    api.down = true;
    renderAt("/r/askscience", <SubredditPage name="askscience" />);
    expect(await screen.findByTestId("error-banner")).toHaveTextContent("has not answered");
    expect(screen.getByRole("link", { name: /All subreddits/ })).toBeInTheDocument();
    api.down = false;
    expect(await screen.findByTestId("all-time-score")).toHaveTextContent("0.87");
    expect(screen.queryByTestId("error-banner")).not.toBeInTheDocument();
  });

  it("says when a subreddit has no posts on this page", async () => {
    const pages = detailPages("quiet", 0, 50);
    pages.set(null, { ...pages.get(null)!, hourly: hourlyFixture(), seriousness: null });
    api.details.set("quiet", pages);
    renderAt("/r/quiet", <SubredditPage name="quiet" />);
    expect(await screen.findByText("No posts yet.")).toBeInTheDocument();
    expect(screen.getByTestId("hourly-chart")).toHaveTextContent("No scored posts in the last 7 days.");
    expect(screen.getByTestId("all-time-score")).toHaveTextContent("–");
  });
});

describe("weekMean", () => {
  it("weights each hour by its posts and skips unscored hours", () => {
    const { mean, count } = weekMean(hourlyFixture({ 0: [1, 0.2], 1: [3, 0.6], 2: [5, null] }));
    expect(mean).toBeCloseTo(0.5);
    expect(count).toBe(9);
    expect(weekMean(hourlyFixture())).toEqual({ mean: null, count: 0 });
  });
});
