// The degraded-mode limiter starts a key from Redis's last answer, while that answer still applies.
import { describe, expect, it } from "vitest";
import type { WindowState } from "./limits.ts";
import { LocalLimiter } from "./local-limiter.ts";
import { WINDOWS, type Limits } from "./tiers.ts";

const limits: Limits = { minute: 10, hour: 100, day: 1_000, month: 10_000 };
const T = Date.UTC(2026, 10, 25, 12, 0, 30); // 12:00:30 on the 25th

/** A Redis answer's windows for a scope at `now` with these counts used, and its time. */
function answer(now: number, used: Partial<Record<keyof Limits, number>>): [Record<keyof Limits, WindowState>, number] {
  const windows = Object.fromEntries(
    WINDOWS.map((w) => [w, { limit: limits[w], used: used[w] ?? 0, remaining: limits[w] - (used[w] ?? 0), resetAt: now + 60_000 }]),
  ) as Record<keyof Limits, WindowState>;
  return [windows, now];
}

const allowedIn = (local: LocalLimiter, key: string, n: number) =>
  Array.from({ length: n }, () => local.check([{ id: key, limits }]).blockedScope === -1).filter(Boolean).length;

describe("LocalLimiter", () => {
  it("a cost of 0 is decided as 1 and counts nothing, as the script does", () => {
    const local = new LocalLimiter(1, () => T);
    expect(local.check([{ id: "c", limits }], 9).blockedScope).toBe(-1);
    expect(local.check([{ id: "c", limits }], 0)).toMatchObject({ blockedScope: -1, windows: [{ minute: { used: 9 } }] });
    expect(local.check([{ id: "c", limits }], 1).blockedScope).toBe(-1);
    expect(local.check([{ id: "c", limits }], 0).blockedScope).toBe(0); // nothing left: a request would be refused
    expect([...local.drain()]).toEqual([["c", 10]]);
  });

  it("without an earlier answer, allows limit / instances", () => {
    expect(allowedIn(new LocalLimiter(1, () => T), "k", 20)).toBe(10);
    expect(allowedIn(new LocalLimiter(2, () => T), "k", 20)).toBe(5);
  });

  it("after Redis counted 7 of 10 this minute, allows the 3 left (one instance) or its share of them", () => {
    const one = new LocalLimiter(1, () => T);
    one.observe("k", ...answer(T - 1_000, { minute: 7, hour: 7, day: 7, month: 7 }));
    expect(allowedIn(one, "k", 10)).toBe(3);
    const last = one.check([{ id: "k", limits }]);
    expect(last).toMatchObject({ blockedScope: 0, blockedBy: "minute" });
    expect(last.windows[0]!.minute).toMatchObject({ limit: 10, used: 10, remaining: 0 });

    const two = new LocalLimiter(2, () => T); // 3 left across 2 instances: 1 here (never 2 + 2)
    two.observe("k", ...answer(T - 1_000, { minute: 7 }));
    expect(allowedIn(two, "k", 10)).toBe(1);
    expect(allowedIn(two, "other", 10)).toBe(5); // a key without an answer is unaffected
  });

  it("ignores an answer too old for the window: a minute's count after a minute, a day's from another day", () => {
    const local = new LocalLimiter(1, () => T);
    local.observe("k", ...answer(T - 61_000, { minute: 10, day: 995 }));
    expect(allowedIn(local, "k", 20)).toBe(5); // the minute starts fresh; the day still has 5 left

    const nextDay = new LocalLimiter(1, () => T + 86_400_000);
    nextDay.observe("k", ...answer(T, { day: 1_000 }));
    expect(allowedIn(nextDay, "k", 20)).toBe(10);
  });

  it("a key whose counters were evicted keeps its admissions: written back, and counted when it returns", () => {
    const local = new LocalLimiter(1, () => T, 2);
    expect(allowedIn(local, "a", 20)).toBe(10);
    expect(allowedIn(local, "b", 3)).toBe(3);
    expect(allowedIn(local, "c", 3)).toBe(3); // a's counters evicted
    expect(allowedIn(local, "a", 5)).toBe(0); // still 10 of 10 this minute, not a fresh 10
    expect(Object.fromEntries(local.drain())).toEqual({ a: 10, b: 3, c: 3 });
  });

  it("keeps answers for at most maxKeys keys, reusing the oldest key's slot", () => {
    const local = new LocalLimiter(1, () => T, 2);
    local.observe("a", ...answer(T, { minute: 9 }));
    local.observe("b", ...answer(T, { minute: 9 }));
    local.observe("a", ...answer(T, { minute: 9 })); // same slot again
    local.observe("c", ...answer(T, { minute: 9 })); // takes a's slot (the oldest)
    expect([allowedIn(local, "a", 20), allowedIn(local, "b", 20), allowedIn(local, "c", 20)]).toEqual([10, 1, 1]);
  });

  it("counts a request in every scope or in none: a workspace's plan shared by its keys, a key's own lower limit", () => {
    const local = new LocalLimiter(1, () => T);
    const workspace = { id: "w", limits };
    const own = { minute: 3, hour: 100, day: 1_000, month: 10_000 };
    const ask = (key: string, keyLimits?: Limits) => local.check(keyLimits ? [{ id: key, limits: keyLimits }, workspace] : [workspace]);
    // key a has its own 3 a minute: refused by its own scope, which leaves the workspace's count alone
    const a = Array.from({ length: 5 }, () => ask("a", own));
    expect(a.map((d) => d.blockedScope)).toEqual([-1, -1, -1, 0, 0]);
    // keys b and c share what is left of the workspace's 10 a minute: 7
    const bc = Array.from({ length: 10 }, (_, i) => ask(i % 2 ? "b" : "c"));
    expect(bc.filter((d) => d.blockedScope === -1)).toHaveLength(7);
    expect(bc.at(-1)).toMatchObject({ blockedScope: 0, blockedBy: "minute" });
    // what each scope admitted, for the write-back to Redis
    expect(Object.fromEntries(local.drain())).toEqual({ a: 3, w: 10 });
  });
});
