import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { FakeApi } from "../test/fakeApi";
import { summary } from "../test/fixtures";
import { renderAt } from "../test/render";
import { SubredditsPage } from "./SubredditsPage";

let api: FakeApi;
beforeEach(() => {
  api = new FakeApi().install();
});

async function rowNames(): Promise<string[]> {
  const table = await screen.findByTestId("subreddits-table");
  return [...table.querySelectorAll("tbody th")].map((th) => th.textContent ?? "");
}

function header(name: RegExp) {
  return screen.getByRole("columnheader", { name });
}

describe("SubredditsPage", () => {
  it("lists every subreddit, most serious first, with score, posts and last post", async () => {
    renderAt("/", <SubredditsPage />);
    expect(await rowNames()).toEqual([
      "r/AskHistorians",
      "r/askscience",
      "r/Showerthoughts",
      "r/memes",
      "r/brandnew",
    ]);
    const row = screen.getByRole("row", { name: /r\/askscience/ });
    expect(within(row).getByText("0.87")).toBeInTheDocument();
    expect(within(row).getByText("1,000")).toBeInTheDocument();
    expect(within(row).getByText("30 s ago")).toHaveAttribute("datetime", "2026-11-26T10:00:00Z");
    expect(within(row).getByRole("img", { name: /0\.80, no posts, 0\.90/ })).toBeInTheDocument();
    expect(header(/Seriousness/)).toHaveAttribute("aria-sort", "descending");
  });

  it("sorts by a column when its header is clicked, and reverses on a second click", async () => {
    const user = userEvent.setup();
    renderAt("/", <SubredditsPage />);
    await screen.findByTestId("subreddits-table");

    await user.click(screen.getByRole("button", { name: /Subreddit/ }));
    expect(await rowNames()).toEqual(["r/AskHistorians", "r/askscience", "r/brandnew", "r/memes", "r/Showerthoughts"]);
    expect(header(/Subreddit/)).toHaveAttribute("aria-sort", "ascending");
    expect(header(/Seriousness/)).toHaveAttribute("aria-sort", "none");

    await user.click(screen.getByRole("button", { name: /Subreddit/ }));
    expect((await rowNames())[0]).toBe("r/Showerthoughts");
    expect(header(/Subreddit/)).toHaveAttribute("aria-sort", "descending");

    await user.click(screen.getByRole("button", { name: /Posts/ }));
    expect(await rowNames()).toEqual(["r/memes", "r/askscience", "r/AskHistorians", "r/Showerthoughts", "r/brandnew"]);

    await user.click(screen.getByRole("button", { name: /Last post/ }));
    expect(await rowNames()).toEqual(["r/askscience", "r/memes", "r/AskHistorians", "r/Showerthoughts", "r/brandnew"]);
    expect(window.location.search).toBe("?sort=last_post&dir=desc");
  });

  it("keeps the missing score last whichever way scores are sorted", async () => {
    const user = userEvent.setup();
    renderAt("/", <SubredditsPage />);
    await screen.findByTestId("subreddits-table");
    await user.click(screen.getByRole("button", { name: /Seriousness/ }));
    expect(await rowNames()).toEqual(["r/memes", "r/Showerthoughts", "r/askscience", "r/AskHistorians", "r/brandnew"]);
  });

  it("filters as you type, and says when nothing matches", async () => {
    const user = userEvent.setup();
    renderAt("/", <SubredditsPage />);
    const filter = await screen.findByLabelText("Filter subreddits");
    expect(filter).toHaveAttribute("data-testid", "subreddit-filter");

    await user.type(filter, "ASK");
    expect(await rowNames()).toEqual(["r/AskHistorians", "r/askscience"]);
    expect(screen.getByText("2 of 5 subreddits")).toBeInTheDocument();
    expect(window.location.search).toBe("?q=ASK");

    await user.type(filter, "zzz");
    expect(screen.getByTestId("no-match")).toHaveTextContent("No subreddit matches “ASKzzz”");
  });

  it("starts from the filter and sort in the URL", async () => {
    renderAt("/?q=s&sort=name&dir=desc", <SubredditsPage />);
    expect(await rowNames()).toEqual(["r/Showerthoughts", "r/memes", "r/askscience", "r/AskHistorians"]);
    expect(screen.getByLabelText("Filter subreddits")).toHaveValue("s");
  });

  it("names the most and least serious subreddits", async () => {
    renderAt("/", <SubredditsPage />);
    const extremes = await screen.findByTestId("extremes");
    expect(extremes).toHaveTextContent(/Most serious\s*r\/AskHistorians\s*0\.93/);
    expect(extremes).toHaveTextContent(/Least serious\s*r\/memes\s*0\.08/);
    expect(within(extremes).getByRole("link", { name: "r/memes" })).toHaveAttribute("href", "/r/memes");
  });

  it("updates live without losing the filter or the sort", async () => {
    const user = userEvent.setup();
    renderAt("/", <SubredditsPage />);
    await user.type(await screen.findByLabelText("Filter subreddits"), "ask");
    await user.click(screen.getByRole("button", { name: /Posts/ }));
    expect(await rowNames()).toEqual(["r/askscience", "r/AskHistorians"]);

    api.subreddits = {
      ...api.subreddits,
      subreddits: [...api.subreddits.subreddits, summary({ name: "AskReddit", posts: 9000, seriousness: 0.4 })],
    };
    await waitFor(async () => expect(await rowNames()).toEqual(["r/AskReddit", "r/askscience", "r/AskHistorians"]));
    expect(screen.getByLabelText("Filter subreddits")).toHaveValue("ask");
    expect(header(/Posts/)).toHaveAttribute("aria-sort", "descending");
  });

  it("opens a subreddit from its row, by click, by Enter, or by its link", async () => {
    const user = userEvent.setup();
    renderAt("/", <SubredditsPage />);
    await screen.findByTestId("subreddits-table");

    await user.click(within(screen.getByRole("row", { name: /r\/memes/ })).getByText("5,000"));
    expect(window.location.pathname).toBe("/r/memes");

    window.history.replaceState(null, "", "/");
    screen.getByRole("row", { name: /r\/askscience/ }).focus();
    await user.keyboard("{Enter}");
    expect(window.location.pathname).toBe("/r/askscience");

    const link = screen.getByRole("link", { name: "r/Showerthoughts" });
    expect(link).toHaveAttribute("href", "/r/Showerthoughts");
    await user.click(link);
    expect(window.location.pathname).toBe("/r/Showerthoughts");
  });

  it("explains an empty dashboard instead of showing an empty table", async () => {
    api.subreddits = { ...api.subreddits, subreddits: [] };
    renderAt("/", <SubredditsPage />);
    const empty = await screen.findByTestId("empty-state");
    expect(empty).toHaveTextContent("No subreddits yet");
    expect(empty).toHaveTextContent(/pipeline is starting/);
    expect(empty).toHaveTextContent(/replay/);
    expect(screen.queryByTestId("subreddits-table")).not.toBeInTheDocument();
  });

  it("shows a banner while the API is down, keeps retrying, and recovers", async () => {
    api.down = true;
    renderAt("/", <SubredditsPage />);
    expect(await screen.findByTestId("error-banner")).toHaveTextContent("The earnest API has not answered since");
    const attempts = api.requestsFor("/subreddits").length;
    await waitFor(() => expect(api.requestsFor("/subreddits").length).toBeGreaterThan(attempts + 1));

    api.down = false;
    expect(await rowNames()).toHaveLength(5);
    expect(screen.queryByTestId("error-banner")).not.toBeInTheDocument();
  });

  it("keeps the last figures under the banner when the API goes down later", async () => {
    renderAt("/", <SubredditsPage />);
    await screen.findByTestId("subreddits-table");
    api.down = true;
    await screen.findByTestId("error-banner");
    expect(await rowNames()).toHaveLength(5);
  });

  it("reports a server error with its detail", async () => {
    const fetchOk = globalThis.fetch;
    vi.stubGlobal("fetch", async (input: RequestInfo | URL) =>
      String(input) === "/subreddits"
        ? new Response(JSON.stringify({ detail: "database is locked" }), { status: 503 })
        : fetchOk(input),
    );
    renderAt("/", <SubredditsPage />);
    expect(await screen.findByTestId("error-banner")).toHaveTextContent("database is locked");
  });
});
