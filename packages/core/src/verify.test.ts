// The verifier's key cache: stale-while-revalidate after the TTL, and invalidation that wins over
// a lookup already in flight. The store is a test double with controllable answers (the real one
// is PostgreSQL, covered by packages/api's integration tests).
import { describe, expect, it } from "vitest";
import { generateKey, hashKey } from "./keys.ts";
import type { LimitDecision, Limiter } from "./limits.ts";
import { WINDOWS } from "./tiers.ts";
import { createVerifier, type KeyRecord, type KeyStore } from "./verify.ts";
import { allowlistMatcher } from "./allowlist.ts";
import { parsePermissionQuery, type PermissionQuery } from "./permissions.ts";

const turn = () => new Promise((r) => setImmediate(r));
const refreshWindow = () => new Promise((r) => setTimeout(r, 150)); // background reloads gather for 100 ms
const limits = { minute: 1_000, hour: 10_000, day: 100_000, month: 1_000_000 };
const workspace = { id: "w1", name: "Personal", plan: "pro" };

/** A limiter that admits everything (these tests are about the key cache, not the limits). */
function admitAll(clock: () => number): Limiter {
  return {
    async check(): Promise<LimitDecision> {
      const windows = Object.fromEntries(WINDOWS.map((w) => [w, { limit: limits[w], used: 1, remaining: limits[w] - 1, resetAt: clock() + 60_000 }])) as LimitDecision["windows"];
      return { allowed: true, blockedBy: null, retryAfterMs: 0, scope: "workspace", windows, scopes: { workspace: windows }, now: clock(), degraded: false, credits: {}, outOfCredits: null };
    },
  };
}
const recordOf = (id: string, prefix: string, hash: string): KeyRecord => ({
  id, userId: "u1", prefix, hash, tier: "pro", workspace, limits, limitTarget: { id, limits: null, workspace: { id: workspace.id, limits } },
  status: "active", expiresAt: null, userDisabled: false, metadata: {},
  environment: "live", permissions: new Set(), permissionList: [], allowedFrom: null,
});

function setup() {
  const clock = { t: Date.UTC(2026, 10, 25, 12), now: () => clock.t };
  const { key, id, prefix } = generateKey("pro");
  const row = recordOf(id, prefix, hashKey(key));
  // Each lookup waits until the test releases it, and reads the row as it is at that moment.
  const lookups: (() => void)[] = [];
  const findByIds = () => new Promise<KeyRecord[]>((resolve) => lookups.push(() => resolve([{ ...row }])));
  const store: KeyStore = { findByIds, findById: async () => (await findByIds())[0]! };
  const verifier = createVerifier({ store, limiter: admitAll(clock.now), clock: clock.now, cacheTtlMs: 60_000 });
  // Lookups leave at the end of the turn: answer every one made so far.
  const release = async () => {
    await turn();
    lookups.splice(0).forEach((answer) => answer());
    await turn();
  };
  return { clock, key, row, lookups, verifier, release };
}

describe("key cache", () => {
  it("sends the misses of one event-loop turn to the store as one lookup", async () => {
    const { verifier, key, lookups, release } = setup();
    const answers = Promise.all([verifier.verify(key), verifier.verify(key), verifier.verify(key)]);
    await turn();
    expect(lookups).toHaveLength(1);
    await release();
    expect((await answers).every((r) => r.valid)).toBe(true);
  });

  it("after the TTL, answers from the record at once and reloads it in the background", async () => {
    const { clock, key, row, lookups, verifier, release } = setup();
    const first = verifier.verify(key);
    await release();
    expect((await first).valid).toBe(true);

    clock.t += 70_000; // past the TTL (60 s ± 10 %), within the revalidation window
    const served = await verifier.verify(key); // resolves although the lookup has not answered
    expect(served.valid).toBe(true);
    await verifier.verify(key); // one background lookup, not one per request
    await refreshWindow();
    expect(lookups).toHaveLength(1);

    row.status = "revoked"; // changed without an invalidation message (the safety net's case)
    await release();
    expect(await verifier.verify(key)).toMatchObject({ valid: false, code: "REVOKED" });
  });

  it("gathers the background reloads of several turns into one lookup", async () => {
    const clock = { t: Date.UTC(2026, 10, 25, 12) };
    const keys = [generateKey("pro"), generateKey("pro"), generateKey("pro")];
    const rows = keys.map((k) => recordOf(k.id, k.prefix, hashKey(k.key)));
    const asked: string[][] = [];
    const findByIds = async (ids: string[]) => (asked.push(ids), rows.filter((r) => ids.includes(r.id)));
    const verifier = createVerifier({ store: { findByIds, findById: async (id) => (await findByIds([id]))[0] ?? null }, limiter: admitAll(() => clock.t), clock: () => clock.t, cacheTtlMs: 60_000 });
    await Promise.all(keys.map((k) => verifier.verify(k.key)));
    expect(asked).toHaveLength(1);
    clock.t += 70_000;
    for (const k of keys) {
      expect((await verifier.verify(k.key)).valid).toBe(true); // answered at once, each in its own turn
      await turn();
    }
    await refreshWindow();
    expect(asked).toHaveLength(2);
    expect(asked[1]!.toSorted()).toEqual(rows.map((r) => r.id).toSorted());
  });

  it("long past the TTL, waits for the store", async () => {
    const { clock, key, lookups, verifier, release } = setup();
    const first = verifier.verify(key);
    await release();
    await first;
    clock.t += 200_000;
    let settled = false;
    const later = verifier.verify(key).then((r) => ((settled = true), r));
    await turn();
    expect(settled).toBe(false);
    expect(lookups).toHaveLength(1);
    await release();
    expect((await later).valid).toBe(true);
  });

  it("an invalidation wins over a lookup that started before it", async () => {
    const { key, row, lookups, verifier, release } = setup();
    const early = verifier.verify(key); // the lookup reads the row only when released
    await turn();
    expect(lookups).toHaveLength(1);
    const earlyAnswer = lookups.pop()!;
    row.status = "revoked";
    verifier.invalidate({ keyId: row.id });
    const late = verifier.verify(key); // must not join the earlier lookup
    await turn();
    expect(lookups).toHaveLength(1);
    await release();
    expect(await late).toMatchObject({ valid: false, code: "REVOKED" });
    earlyAnswer();
    await early;
    expect(await verifier.verify(key)).toMatchObject({ valid: false, code: "REVOKED" });
  });
});

describe("a key's policy", () => {
  const query = (text: string) => (parsePermissionQuery(text) as { query: PermissionQuery }).query;
  function policyKey(policy: Partial<KeyRecord>) {
    const clock = () => Date.UTC(2026, 10, 25, 12);
    const { key, id, prefix } = generateKey("pro");
    const row = { ...recordOf(id, prefix, hashKey(key)), ...policy };
    const store: KeyStore = { findByIds: async () => [row], findById: async () => row };
    return { key, verifier: createVerifier({ store, limiter: admitAll(clock), clock }) };
  }

  it("answers INSUFFICIENT_PERMISSIONS naming what is missing, and admits a query the key satisfies", async () => {
    const { key, verifier } = policyKey({ permissions: new Set(["orders.read"]), permissionList: ["orders.read"] });
    expect(await verifier.verify(key, { permissions: query("orders.read") })).toMatchObject({ valid: true, permissions: ["orders.read"] });
    expect(await verifier.verify(key, { permissions: query("orders.read AND (orders.write OR admin)") })).toMatchObject({
      valid: false,
      code: "INSUFFICIENT_PERMISSIONS",
      missing: "orders.write OR admin",
    });
  });

  it("admits an address on the allowlist (IPv4, IPv6, ranges) and refuses any other, or none", async () => {
    const { key, verifier } = policyKey({ allowedFrom: allowlistMatcher(["203.0.113.0/24", "2001:db8::/32"]) });
    for (const ip of ["203.0.113.9", "::ffff:203.0.113.9", "2001:db8:1::5"]) expect((await verifier.verify(key, { ip })).valid).toBe(true);
    for (const ip of ["203.0.114.1", "2001:db9::1", null]) expect(await verifier.verify(key, { ip })).toMatchObject({ valid: false, code: "IP_NOT_ALLOWED" });
  });
});
