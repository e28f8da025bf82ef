// A clock that re-renders every `ms` (for "3 min ago" and waiting times).
import { useEffect, useState } from "react";

export function useNow(ms = 15000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
