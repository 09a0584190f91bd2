// The dashboard and the API docs in headless Chromium, under the app's security headers.
//
//   node tests/web/security_policy.e2e.mjs <base-url> <subreddit>
//
// Run by tests/web/test_dashboard_browser.py against a running `earnest up` that has data.
// Fails (exit 1) when a page does not render, when the Content-Security-Policy refuses
// anything, or when a page asks anything of another origin (the docs must work offline).

import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

// playwright-core is installed in web/node_modules, next to the dashboard's own e2e script.
const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../web/package.json");
const { chromium } = createRequire(web)("playwright-core");

const [baseUrl, subreddit] = process.argv.slice(2);
const origin = new URL(baseUrl).origin;
const LAUNCH_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

const problems = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: LAUNCH_ARGS,
});
try {
  const page = await browser.newPage();
  page.on("pageerror", (error) => problems.push(`${page.url()}: uncaught ${error.message}`));
  page.on("console", (msg) => {
    // Chromium reports what the policy refused as console errors ("Refused to ...").
    if (/Content Security Policy|Refused to/i.test(msg.text())) {
      problems.push(`${page.url()}: ${msg.text()}`);
    }
  });
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (!["data:", "blob:"].includes(url.protocol) && url.origin !== origin) {
      problems.push(`${page.url()}: asked another origin for ${request.url()}`);
    }
  });

  await page.goto(`${baseUrl}/`);
  await page.getByTestId("subreddit-row").first().waitFor();
  console.log("ok   / lists the subreddits");

  await page.goto(`${baseUrl}/r/${subreddit}`);
  await page.getByTestId("hourly-chart").locator("svg path.recharts-line-curve").first().waitFor();
  await page.getByTestId("posts-table").locator("tbody tr").first().waitFor();
  console.log(`ok   /r/${subreddit} draws its chart and posts`);

  await page.goto(`${baseUrl}/docs`);
  const operations = page.locator(".opblock-summary");
  await operations.first().waitFor();
  const count = await operations.count();
  if (count < 3) problems.push(`/docs shows ${count} operations, expected 3`);
  await page.locator(".opblock-summary", { hasText: "/status" }).click();
  await page.getByRole("button", { name: "Try it out" }).click();
  await page.getByRole("button", { name: "Execute" }).click();
  await page.locator(".live-responses-table .response-col_status", { hasText: "200" }).waitFor();
  console.log(`ok   /docs shows ${count} operations and runs GET /status`);
} catch (error) {
  problems.push(`${error.message}`);
} finally {
  await browser.close();
}
for (const problem of problems) console.error(`FAIL ${problem}`);
process.exit(problems.length ? 1 : 0);
