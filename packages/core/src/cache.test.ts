// The key cache's own rules: bounded, keeps what is used, expiry and stale reads, removal.
import { describe, expect, it } from "vitest";
import { TtlLru } from "./cache.ts";

describe("TtlLru", () => {
  it("never holds more than its bound, and keeps the entries in use over the ones nobody asks for", () => {
    const cache = new TtlLru<number>(100);
    for (let i = 0; i < 10; i++) cache.set(`hot${i}`, i, 60_000);
    for (let i = 0; i < 1_000; i++) {
      cache.set(`cold${i}`, i, 60_000);
      expect(cache.size).toBeLessThanOrEqual(100);
      for (let h = 0; h < 10; h++) expect(cache.get(`hot${h}`)?.value).toBe(h);
    }
    expect(cache.get("cold0")).toBeUndefined(); // long evicted
    expect(cache.get("cold999")?.value).toBe(999);
  });

  it("answers a fresh entry, misses an expired one, and still offers it as stale for a while", () => {
    const clock = { t: 0 };
    const cache = new TtlLru<string>(10, () => clock.t);
    cache.set("a", "A", 1_000);
    expect(cache.get("a")?.value).toBe("A");
    clock.t = 1_000;
    expect(cache.get("a")).toBeUndefined();
    expect(cache.stale("a", 500)?.value).toBe("A");
    clock.t = 1_501;
    expect(cache.stale("a", 500)).toBeUndefined();
    expect([cache.hits, cache.misses]).toEqual([1, 1]);
  });

  it("forgets entries by key, by predicate and all at once, in either generation", () => {
    const cache = new TtlLru<{ user: string }>(4); // generations of two
    cache.set("k1", { user: "u1" }, 60_000);
    cache.set("k2", { user: "u2" }, 60_000); // k1, k2 now the older generation
    cache.set("k3", { user: "u1" }, 60_000);
    cache.deleteWhere((v) => v.user === "u1");
    expect([cache.get("k1"), cache.get("k3")]).toEqual([undefined, undefined]);
    expect(cache.get("k2")?.value.user).toBe("u2");
    cache.delete("k2");
    expect(cache.get("k2")).toBeUndefined();
    cache.set("k4", { user: "u4" }, 60_000);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
