// The permission query grammar: examples with their messages, and properties over random input
// (parsing never throws; a query written out and parsed back evaluates as the tree it came from).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatQuery, MAX_QUERY_DEPTH, missingFor, namesIn, parsePermissionQuery, satisfies, type PermissionQuery } from "./permissions.ts";

const parse = (text: string) => {
  const r = parsePermissionQuery(text);
  if (!r.ok) throw new Error(r.message);
  return r.query;
};

describe("permission queries", () => {
  it("parses names, AND before OR, and parentheses", () => {
    expect(parse("orders.read")).toEqual({ name: "orders.read" });
    expect(parse("orders.read AND (orders.write OR admin)")).toEqual({ and: [{ name: "orders.read" }, { or: [{ name: "orders.write" }, { name: "admin" }] }] });
    expect(parse("a OR b AND c")).toEqual({ or: [{ name: "a" }, { and: [{ name: "b" }, { name: "c" }] }] });
    expect(parse("  (a)  ")).toEqual({ name: "a" });
    expect(parse("and AND or")).toEqual({ and: [{ name: "and" }, { name: "or" }] }); // keywords are upper case
    expect(parse("api:*:read")).toEqual({ name: "api:*:read" });
  });

  it("refuses malformed queries with what is wrong and where (from 1)", () => {
    expect(parsePermissionQuery("orders.read AND")).toEqual({ ok: false, message: 'Expected a permission name or "(" at position 16, found the end of the query.', position: 16 });
    expect(parsePermissionQuery("a AND (b OR c")).toEqual({ ok: false, message: 'Expected ")" at position 14, found the end of the query.', position: 14 });
    expect(parsePermissionQuery("a && b")).toMatchObject({ ok: false, position: 3, message: expect.stringContaining('Unexpected "&" at position 3') });
    expect(parsePermissionQuery("a b")).toMatchObject({ ok: false, position: 3, message: 'Expected AND, OR or the end at position 3, found "b".' });
    expect(parsePermissionQuery("")).toMatchObject({ ok: false, position: 1, message: "The permission query is empty." });
    expect(parsePermissionQuery(")")).toMatchObject({ ok: false, position: 1 });
    expect(parsePermissionQuery("a".repeat(101))).toMatchObject({ ok: false, message: expect.stringContaining("longer than 100 characters") });
    expect(parsePermissionQuery("a OR ".repeat(300) + "a")).toMatchObject({ ok: false, message: "A permission query is at most 1000 characters." });
    const nested = (n: number) => "(".repeat(n) + "a" + ")".repeat(n);
    expect(parsePermissionQuery(nested(MAX_QUERY_DEPTH)).ok).toBe(true);
    expect(parsePermissionQuery(nested(MAX_QUERY_DEPTH + 1))).toMatchObject({ ok: false, message: expect.stringContaining(`more than ${MAX_QUERY_DEPTH} deep`) });
  });

  it("names what is missing", () => {
    const q = parse("orders.read AND (orders.write OR admin)");
    expect(missingFor(q, new Set(["orders.read", "admin"]))).toBeNull();
    expect(formatQuery(missingFor(q, new Set(["orders.read"]))!)).toBe("orders.write OR admin");
    expect(formatQuery(missingFor(q, new Set())!)).toBe("orders.read AND (orders.write OR admin)");
    expect(namesIn(q)).toEqual(["orders.read", "orders.write", "admin"]);
  });

  it("never throws, whatever the text; a refusal's position is within it", () => {
    const pieces = fc.constantFrom("a", "b.c", "AND", "OR", "and", "(", ")", " ", "x:y", "!", "&&", "\u00e9", "*", "\n");
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: "grapheme", maxLength: 100 }), fc.array(pieces, { maxLength: 60 }).map((p) => p.join(""))), (text) => {
        const r = parsePermissionQuery(text);
        if (!r.ok) {
          expect(r.position).toBeGreaterThanOrEqual(1);
          expect(r.position).toBeLessThanOrEqual(Math.max(1, text.length + 1));
          expect(r.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it("a random query written out and parsed back evaluates as the tree it came from, for any permissions held", () => {
    const names = ["read", "write", "admin", "orders.read", "orders.write", "billing:*"];
    const { tree } = fc.letrec<{ tree: PermissionQuery }>((tie) => ({
      tree: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        fc.constantFrom(...names).map((name) => ({ name })),
        fc.array(tie("tree"), { minLength: 2, maxLength: 4 }).map((and) => ({ and })),
        fc.array(tie("tree"), { minLength: 2, maxLength: 4 }).map((or) => ({ or })),
      ),
    }));
    // the reference: the tree's meaning, independent of the parser
    const reference = (q: PermissionQuery, held: Set<string>): boolean =>
      "name" in q ? held.has(q.name) : "and" in q ? q.and.every((x) => reference(x, held)) : q.or.some((x) => reference(x, held));
    fc.assert(
      fc.property(tree, fc.subarray(names), (q, held) => {
        const text = formatQuery(q);
        const parsed = parsePermissionQuery(text);
        if (!parsed.ok) return text.length > 1_000 || /nest more/.test(parsed.message);
        const granted = new Set(held);
        expect(satisfies(parsed.query, granted)).toBe(reference(q, granted));
        const missing = missingFor(parsed.query, granted);
        expect(missing === null).toBe(reference(q, granted));
        return true;
      }),
      { numRuns: 2_000 },
    );
  });
});
