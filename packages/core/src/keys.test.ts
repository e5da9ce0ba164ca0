import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KEY_PATTERN, formatKey, generateKey, hashKey, parseKey, sameHash } from "./keys.ts";

const base62 = (length: number) =>
  fc.string({ unit: fc.constantFrom(..."0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"), minLength: length, maxLength: length });

describe("key format", () => {
  it("generates keys that parse back to their prefix, with 196 bits of secret", () => {
    const k = generateKey("pro");
    expect(k.key).toMatch(/^ys_pro_[0-9A-Za-z]{16}_[0-9A-Za-z]{39}$/);
    expect(k.key.startsWith(k.prefix + "_")).toBe(true);
    expect(parseKey(k.key)).toEqual({ ok: true, tier: "pro", id: k.id, prefix: k.prefix });
    expect(KEY_PATTERN.test(`token=${k.key};`)).toBe(true);
    expect(33 * Math.log2(62)).toBeGreaterThan(192);
  });

  it("property: parse(format(k)) round-trips", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9]{1,20}$/),
        base62(16),
        base62(33),
        (tier, id, secret) => {
          const parsed = parseKey(formatKey(tier, id, secret));
          return parsed.ok && parsed.tier === tier && parsed.id === id && parsed.prefix === `ys_${tier}_${id}`;
        },
      ),
    );
  });

  it("property: the parser never throws and accepts nothing random", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.anything()), (raw) => {
        const result = parseKey(raw);
        return result.ok === false || (typeof raw === "string" && raw.startsWith("ys_"));
      }),
      { numRuns: 5_000 },
    );
  });

  it("rejects every single-character typo by checksum", () => {
    const { key } = generateKey("free");
    for (let i = 3; i < key.length; i++) {
      if (key[i] === "_") continue;
      const typo = key.slice(0, i) + (key[i] === "a" ? "b" : "a") + key.slice(i + 1);
      expect(parseKey(typo).ok, typo).toBe(false);
    }
  });

  it.each([
    ["", "MISSING_KEY"],
    ["   ", "MISSING_KEY"],
    [undefined, "MISSING_KEY"],
    ["sk_live_abc", "MALFORMED"],
    ["ys_free_abc", "MALFORMED"],
    ["ys__0123456789abcdef_" + "a".repeat(39), "MALFORMED"],
    ["ys_free_0123456789abcdef_" + "a".repeat(39), "MALFORMED"],
    ["x".repeat(10_000), "MALFORMED"],
  ])("%j is %s", (raw, code) => {
    expect(parseKey(raw)).toEqual({ ok: false, code });
  });

  it("rejects look-alikes, zero-width and control characters around a valid key", () => {
    const { key } = generateKey("free");
    for (const bad of [key + "\u200b", "\u200b" + key, key.replace("y", "у"), key + "\n", key + "\0", ` ${key}`]) {
      expect(parseKey(bad).ok).toBe(false);
    }
  });
});

describe("hashing", () => {
  it("uses SHA-256, or HMAC-SHA-256 with a pepper", () => {
    expect(hashKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(hashKey("abc", "p".repeat(32))).not.toBe(hashKey("abc"));
    expect(hashKey("abc", "p".repeat(32))).toHaveLength(64);
  });

  it("compares in constant time and never throws on a length mismatch", () => {
    const h = hashKey("abc");
    expect(sameHash(h, h)).toBe(true);
    expect(sameHash(h, hashKey("abd"))).toBe(false);
    expect(sameHash(h, h.slice(0, 10))).toBe(false);
    expect(sameHash(h, "")).toBe(false);
    expect(sameHash(h, "zz")).toBe(false);
  });
});
