import { act, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";
import { TEST_POLL_MS } from "../test/render";
import { PollIntervalContext, usePolling, type Poll } from "./usePolling";

type Load = (signal: AbortSignal) => Promise<unknown>;

function Probe({ id, load, onRender }: { id: string; load: Load; onRender: (p: Poll<unknown>) => void }) {
  const poll = usePolling(id, load);
  onRender(poll);
  return <output>{JSON.stringify(poll.data ?? null)}</output>;
}

function renderProbe(id: string, load: Load, renders: Poll<unknown>[] = []) {
  const ui = (key: string) => (
    <PollIntervalContext.Provider value={TEST_POLL_MS}>
      <Probe id={key} load={load} onRender={(p) => renders.push(p)} />
    </PollIntervalContext.Provider>
  );
  const result = render(ui(id));
  return { ...result, renders, rerenderWith: (key: string) => result.rerender(ui(key)) };
}

const sleep = (ms: number) => act(() => new Promise((r) => setTimeout(r, ms)));

function setHidden(hidden: boolean) {
  Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
  document.dispatchEvent(new Event("visibilitychange"));
}

afterEach(() => {
  // Drop the override so jsdom's own (visible) value applies again.
  delete (document as { hidden?: boolean }).hidden;
});

describe("usePolling", () => {
  it("polls repeatedly but re-renders only when the response changes", async () => {
    let calls = 0;
    let value = { n: 1 };
    const { renders } = renderProbe("a", async () => {
      calls++;
      return value;
    });
    await waitFor(() => expect(calls).toBeGreaterThanOrEqual(4));
    expect(renders.filter((r) => r.data !== undefined)).toHaveLength(1);

    value = { n: 2 };
    expect(await screen.findByText('{"n":2}')).toBeInTheDocument();
  });

  it("never overlaps requests", async () => {
    let inFlight = 0;
    let most = 0;
    let calls = 0;
    renderProbe("a", async () => {
      calls++;
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, TEST_POLL_MS * 3));
      inFlight--;
      return calls;
    });
    await waitFor(() => expect(calls).toBeGreaterThanOrEqual(3));
    expect(most).toBe(1);
  });

  it("keeps the last data through failures and remembers when they started", async () => {
    let fail = false;
    const { renders } = renderProbe("a", async () => {
      if (fail) throw new ApiError(0, "down");
      return "ok";
    });
    await screen.findByText('"ok"');
    fail = true;
    await waitFor(() => expect(renders.at(-1)?.error?.message).toBe("down"));
    const failing = renders.at(-1)!;
    expect(failing.data).toBe("ok");
    expect(failing.failingSince).toBeTypeOf("number");

    fail = false;
    await waitFor(() => expect(renders.at(-1)?.error).toBeUndefined());
    expect(renders.at(-1)?.failingSince).toBeUndefined();
  });

  it("starts afresh when the key changes, never showing the old key's data", async () => {
    const { renders, rerenderWith } = renderProbe("a", async (signal) => {
      await new Promise((r) => setTimeout(r, 5));
      return signal.aborted ? "aborted" : "data";
    });
    await screen.findByText('"data"');
    renders.length = 0;
    rerenderWith("b");
    expect(renders[0]?.data).toBeUndefined();
    await screen.findByText('"data"');
  });

  it("pauses while the tab is hidden and resumes when it is shown", async () => {
    let calls = 0;
    renderProbe("a", async () => ++calls);
    await waitFor(() => expect(calls).toBeGreaterThanOrEqual(1));
    setHidden(true);
    await sleep(TEST_POLL_MS * 2);
    const paused = calls;
    await sleep(TEST_POLL_MS * 4);
    expect(calls).toBe(paused);

    act(() => setHidden(false));
    await waitFor(() => expect(calls).toBeGreaterThan(paused));
  });
});

/** An EventSource the test drives: `open()`, `send(kind, data)`, `fail()`. */
class FakeEventSource {
  static last: FakeEventSource | undefined;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  private handlers = new Map<string, ((e: MessageEvent<string>) => void)[]>();

  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  addEventListener(kind: string, handler: (e: MessageEvent<string>) => void) {
    this.handlers.set(kind, [...(this.handlers.get(kind) ?? []), handler]);
  }
  close() {
    this.closed = true;
  }
  open() {
    act(() => this.onopen?.());
  }
  send(kind: string, data: object) {
    act(() => {
      for (const h of this.handlers.get(kind) ?? []) h(new MessageEvent(kind, { data: JSON.stringify(data) }));
    });
  }
  fail() {
    act(() => this.onerror?.());
  }
}

describe("usePolling with the push stream", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    FakeEventSource.last = undefined;
  });

  it("refetches when told of a relevant change, polls when the stream is down", async () => {
    vi.stubGlobal("EventSource", FakeEventSource);
    let calls = 0;
    const { unmount } = renderProbe("a", async () => ++calls);
    await waitFor(() => expect(calls).toBe(1));
    const stream = FakeEventSource.last!;
    expect(stream.url).toBe("/events");
    stream.open(); // a reset: refetch once, then wait for changes
    await waitFor(() => expect(calls).toBe(2));
    await sleep(TEST_POLL_MS * 6);
    expect(calls).toBe(2); // no polling while the stream is live

    stream.send("change", { model_version: "v1", subreddits: ["AskScience"], models: false, at: 1 });
    await waitFor(() => expect(calls).toBe(3));

    stream.fail(); // down: polling resumes at the page's interval
    await waitFor(() => expect(calls).toBeGreaterThanOrEqual(6));
    unmount();
    expect(stream.closed).toBe(true);
  });

  it("ignores changes that are not relevant to the page", async () => {
    vi.stubGlobal("EventSource", FakeEventSource);
    let calls = 0;
    function Page() {
      usePolling("b", async () => ++calls, (c) => (c.subreddits ?? []).includes("Jokes"));
      return null;
    }
    const { unmount } = render(
      <PollIntervalContext.Provider value={TEST_POLL_MS}>
        <Page />
      </PollIntervalContext.Provider>,
    );
    await waitFor(() => expect(calls).toBe(1));
    FakeEventSource.last!.open();
    await waitFor(() => expect(calls).toBe(2));
    FakeEventSource.last!.send("change", { model_version: "v1", subreddits: ["pics"], models: false, at: 1 });
    await sleep(TEST_POLL_MS * 4);
    expect(calls).toBe(2);
    FakeEventSource.last!.send("change", { model_version: "v1", subreddits: ["Jokes"], models: false, at: 2 });
    await waitFor(() => expect(calls).toBe(3));
    unmount();
  });
});
