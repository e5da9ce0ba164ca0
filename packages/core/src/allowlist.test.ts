import { describe, expect, it } from "vitest";
import { allowlistMatcher, MAX_ALLOWLIST_ENTRIES, parseAllowlist } from "./allowlist.ts";

describe("IP allowlists", () => {
  it("normalises addresses and ranges, and drops repeats", () => {
    expect(parseAllowlist([" 10.0.0.0/8", "2001:DB8::/32", "192.0.2.7", "10.0.0.0/8"])).toEqual({ ok: true, entries: ["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"] });
  });

  it("refuses what is not an address or a CIDR range, naming the entry", () => {
    for (const bad of ["10.0.0.0/33", "2001:db8::/129", "10.0.0", "example.com", "10.0.0.0/", "10.0.0.0/8/8", "", "1.2.3.4/-1", "::1/1e2"]) {
      const parsed = parseAllowlist(["192.0.2.1", bad]);
      expect(parsed, bad).toMatchObject({ ok: false, index: 1 });
    }
    expect(parseAllowlist(Array.from({ length: MAX_ALLOWLIST_ENTRIES + 1 }, (_, i) => `10.0.${i >> 8}.${i & 255}`))).toMatchObject({ ok: false });
  });

  it("matches IPv4 (also written IPv4-mapped), IPv6 and ranges; an empty list matches nothing because it is no list", () => {
    const allowed = allowlistMatcher(["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"])!;
    expect(["10.255.0.1", "::ffff:10.1.1.1", "2001:db8:ffff::1", "192.0.2.7"].map(allowed)).toEqual([true, true, true, true]);
    expect(["11.0.0.1", "192.0.2.8", "2001:db9::1", "not an ip", null, undefined].map(allowed)).toEqual([false, false, false, false, false, false]);
    expect(allowlistMatcher([])).toBeNull();
  });
});
