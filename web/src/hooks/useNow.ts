import { createContext, useContext, useEffect, useState } from "react";

/** The current time for relative labels ("5 min ago"); tests provide a fixed value. */
export const NowContext = createContext<number | null>(null);

export function useNow(): number {
  return useContext(NowContext) ?? Date.now();
}

/** A clock that ticks every `intervalMs`, for NowContext. */
export function useTicker(intervalMs = 5000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return now;
}
