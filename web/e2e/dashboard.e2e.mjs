// The dashboard in headless Chromium, against a running `earnest up` that is still replaying.
//
//   node web/e2e/dashboard.e2e.mjs <base-url> <screenshot-folder>
//
// Run by tests/web/test_dashboard_browser.py, which starts the server. Chromium is the system
// one (CHROMIUM, default /usr/bin/chromium); playwright-core never downloads a browser.
// Exits 0 when every step passed; otherwise prints the failing step, saves failure.png and
// exits 1.

import assert from "node:assert/strict";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { chromium } from "playwright-core";

const [baseUrl, shots] = process.argv.slice(2);
if (!baseUrl || !shots) {
  console.error("usage: node dashboard.e2e.mjs <base-url> <screenshot-folder>");
  process.exit(2);
}
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
// The subreddit to open; the dataset must also hold another name containing it (shittyaskscience).
const SUBREDDIT = process.env.E2E_SUBREDDIT || "askscience";
// How long the subreddit page may take to show a new post (the replay adds several a second).
const CHANGE_TIMEOUT_MS = 30_000;

// Running as root in a container: no sandbox; and no background networking, which otherwise
// makes Chromium's connections to the local server get refused.
const LAUNCH_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

const problems = []; // uncaught exceptions in the page: always a failure
const consoleErrors = []; // printed on failure (a 404 for an unknown subreddit is expected)

async function step(name, fn) {
  const started = Date.now();
  try {
    const detail = await fn();
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`ok   ${name} (${seconds} s)${detail ? `: ${detail}` : ""}`);
  } catch (error) {
    error.step = name;
    throw error;
  }
}

/** Poll `fn` until it returns something truthy, and return that. */
async function until(fn, message, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`${message} (waited ${timeout / 1000} s)`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function watch(page) {
  page.on("pageerror", (error) => problems.push(`${page.url()}: ${error.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") consoleErrors.push(`${page.url()}: ${msg.text()}`);
  });
  return page;
}

const shot = (page, name) => page.screenshot({ path: path.join(shots, name), fullPage: true });
const count = (text) => Number(text.replace(/[^\d]/g, ""));

async function homePage(page) {
  const rows = page.getByTestId("subreddit-row");
  let total = 0;
  await step("home lists the subreddits", async () => {
    await page.goto(`${baseUrl}/`);
    await rows.first().waitFor();
    await until(async () => /Live/.test(await page.getByTestId("freshness").innerText()),
      "the freshness header never said Live");
    const names = await rows.locator("th").allInnerTexts();
    total = names.length;
    assert.ok(total >= 3, `expected several subreddits, got ${names}`);
    assert.ok(names.includes(`r/${SUBREDDIT}`), `r/${SUBREDDIT} is not listed: ${names}`);
    const scores = await rows.locator(".score").allInnerTexts();
    assert.ok(scores.some((s) => /^\d\.\d\d$/.test(s)), `no row has a score: ${scores}`);
    await shot(page, "home.png");
    return `${total} rows, scores ${scores.slice(0, 3).join(", ")}, ...`;
  });

  await step(`filtering for "${SUBREDDIT}" narrows the table`, async () => {
    await page.getByTestId("subreddit-filter").pressSequentially(SUBREDDIT, { delay: 30 });
    const names = await until(async () => {
      const shown = await rows.locator("th").allInnerTexts();
      const narrowed = shown.length > 0 && shown.length < total;
      return narrowed && shown.every((n) => n.toLowerCase().includes(SUBREDDIT)) && shown;
    }, `the table never narrowed to names containing "${SUBREDDIT}"`);
    assert.equal(new URL(page.url()).searchParams.get("q"), SUBREDDIT);
    await shot(page, "home-filtered.png");
    return `${total} -> ${names.length} rows (${names.join(", ")})`;
  });
}

async function subredditPage(page) {
  await step(`clicking r/${SUBREDDIT} opens its page`, async () => {
    await page.getByRole("link", { name: `r/${SUBREDDIT}`, exact: true }).click();
    await page.waitForURL(`${baseUrl}/r/${SUBREDDIT}`);
    await until(async () => (await page.locator("h1").innerText()) === `r/${SUBREDDIT}`,
      `the heading never became r/${SUBREDDIT}`);
  });

  const postsCard = page.locator(".card", { has: page.getByText("Posts", { exact: true }) })
    .locator(".card__value");
  let before = 0;
  await step("it shows the all-time score, the hourly chart and posts", async () => {
    const score = page.getByTestId("all-time-score");
    await score.waitFor();
    const value = await until(async () => {
      const text = (await score.innerText()).trim();
      return /^\d\.\d\d$/.test(text) && text;
    }, "the all-time score is not a number");
    const line = page.getByTestId("hourly-chart").locator("svg path.recharts-line-curve");
    await line.first().waitFor();
    const d = (await line.first().getAttribute("d")) ?? "";
    const segments = (d.match(/L/g) ?? []).length;
    assert.ok(segments >= 1, `the chart line has no segments: d=${d}`);
    const posts = page.getByTestId("posts-table").locator("tbody tr");
    await posts.first().waitFor();
    const titles = await posts.locator("td.title").allInnerTexts();
    assert.ok(titles.length > 0 && titles[0].trim(), "the posts table has no titled rows");
    before = count(await postsCard.innerText());
    assert.ok(before > 0, "the Posts card shows no posts");
    return `score ${value}, chart line with ${segments + 1} points, ${titles.length} rows, ` +
      `${before} posts, newest "${titles[0].slice(0, 60)}"`;
  });

  await step("the post count grows as the replay goes on", async () => {
    const after = await until(async () => {
      const now = count(await postsCard.innerText());
      return now > before && now;
    }, `the Posts card stayed at ${before}`, CHANGE_TIMEOUT_MS);
    await shot(page, "subreddit.png");
    return `${before} -> ${after}`;
  });
}

async function notFoundPage(page) {
  await step("an unknown subreddit says so", async () => {
    await page.goto(`${baseUrl}/r/nosuchsub`);
    const message = page.getByTestId("not-found");
    await message.waitFor();
    const text = await message.innerText();
    assert.match(text, /r\/nosuchsub is not tracked/);
    await page.getByRole("link", { name: /Back to all subreddits/ }).waitFor();
    await page.getByTestId("freshness").waitFor();
    await shot(page, "not-found.png");
    return text.split("\n")[0];
  });
}

async function narrowViewport(browser) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  });
  context.setDefaultTimeout(15_000);
  const page = watch(await context.newPage());
  await step("at 390 px wide the pages fit the screen", async () => {
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    await page.goto(`${baseUrl}/`);
    await page.getByTestId("subreddit-row").first().waitFor();
    assert.ok((await overflow()) <= 0, `the home page scrolls sideways by ${await overflow()} px`);
    await shot(page, "home-narrow.png");
    await page.goto(`${baseUrl}/r/${SUBREDDIT}`);
    await page.getByTestId("hourly-chart").locator("svg path.recharts-line-curve").first().waitFor();
    await page.getByTestId("posts-table").locator("tbody tr").first().waitFor();
    assert.ok((await overflow()) <= 0, `r/${SUBREDDIT} scrolls sideways by ${await overflow()} px`);
    await shot(page, "subreddit-narrow.png");
  });
  return page;
}

async function main() {
  await mkdir(shots, { recursive: true });
  await rm(path.join(shots, "failure.png"), { force: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  let page;
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(15_000);
    page = watch(await context.newPage());
    await homePage(page);
    await subredditPage(page);
    await notFoundPage(page);
    page = await narrowViewport(browser);
    assert.deepEqual(problems, [], "uncaught errors in the page");
    console.log(`screenshots in ${shots}`);
  } catch (error) {
    console.error(`FAIL ${error.step ?? "setup"}: ${error.message}`);
    if (page) {
      console.error(`at ${page.url()}`);
      await page.screenshot({ path: path.join(shots, "failure.png"), fullPage: true })
        .then(() => console.error(`screenshot: ${path.join(shots, "failure.png")}`), () => {});
      const body = await page.locator("body").innerText().catch(() => "");
      console.error(`page text:\n${body.slice(0, 2000)}`);
    }
    for (const line of [...problems, ...consoleErrors]) console.error(`page: ${line}`);
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
}

await main();
