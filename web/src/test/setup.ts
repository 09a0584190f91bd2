import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach, beforeEach, expect, vi } from "vitest";

/**
 * jsdom has no layout and no ResizeObserver. This one reports every observed element as 800x280
 * once, so Recharts' ResponsiveContainer draws its chart and tests can inspect the SVG.
 */
class FixedSizeResizeObserver {
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe(target: Element): void {
    const contentRect = { width: 800, height: 280, top: 0, left: 0, bottom: 280, right: 800, x: 0, y: 0 };
    this.callback([{ target, contentRect } as unknown as ResizeObserverEntry], this as unknown as ResizeObserver);
  }
  unobserve(): void {}
  disconnect(): void {}
}
globalThis.ResizeObserver ??= FixedSizeResizeObserver as unknown as typeof ResizeObserver;
// jsdom logs "not implemented" for scrolling; navigation scrolls to the top.
window.scrollTo = () => {};

// React's warnings (act, keys, DOM nesting) are bugs: collect them and fail the test.
let logged: string[] = [];
beforeEach(() => {
  logged = [];
  for (const level of ["error", "warn"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logged.push(`console.${level}: ${args.map(String).join(" ")}`);
    });
  }
});

afterEach(() => {
  cleanup();
  window.history.replaceState(null, "", "/");
  expect(logged).toEqual([]);
});
