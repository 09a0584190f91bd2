import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { App } from "./App";
import { FakeApi } from "./test/fakeApi";
import { detailPages } from "./test/fixtures";
import { renderAt } from "./test/render";

let api: FakeApi;
beforeEach(() => {
  api = new FakeApi().install();
  api.details.set("memes", detailPages("memes", 5, 50));
});

describe("App", () => {
  it("shows the subreddits at /", async () => {
    renderAt("/", <App />);
    expect(await screen.findByTestId("subreddits-table")).toBeInTheDocument();
    expect(screen.getByTestId("freshness")).toBeInTheDocument();
    expect(document.title).toBe("Subreddits · earnest");
  });

  it("deep-links to a subreddit", async () => {
    renderAt("/r/memes", <App />);
    expect(await screen.findByTestId("all-time-score")).toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("r/memes");
  });

  it("goes to a subreddit and back, keeping the filter", async () => {
    const user = userEvent.setup();
    renderAt("/", <App />);
    await user.type(await screen.findByLabelText("Filter subreddits"), "mem");
    await user.click(within(screen.getByTestId("subreddits-table")).getByRole("link", { name: "r/memes" }));
    expect(await screen.findByTestId("posts-table")).toBeInTheDocument();

    await user.click(screen.getByRole("link", { name: /All subreddits/ }));
    // Back through the header link starts clean; the browser's back button restores the URL state.
    expect(await screen.findByTestId("subreddits-table")).toBeInTheDocument();
    window.history.back();
    expect(await screen.findByTestId("posts-table")).toBeInTheDocument();
    window.history.back();
    expect(await screen.findByLabelText("Filter subreddits")).toHaveValue("mem");
  });

  it("shows a not-found page for other paths", () => {
    renderAt("/nope", <App />);
    expect(screen.getByTestId("page-not-found")).toHaveTextContent("Page not found");
    expect(screen.getByRole("link", { name: /Back to all subreddits/ })).toHaveAttribute("href", "/");
  });
});
