// Permission queries, as a verification asks them: `orders.read AND (orders.write OR admin)`.
// A small grammar, parsed once per distinct query and evaluated against the permissions a key
// holds (in its cached record: no I/O per request).
//
//   query := or
//   or    := and ("OR" and)*
//   and   := term ("AND" term)*
//   term  := NAME | "(" or ")"
//   NAME  := a permission name: letters, digits, and . _ : * - (at most 100 characters)
//
// AND binds tighter than OR; the keywords are upper case (a permission may be called "and").

export type PermissionQuery = { name: string } | { and: PermissionQuery[] } | { or: PermissionQuery[] };

export type ParsedQuery = { ok: true; query: PermissionQuery } | { ok: false; message: string; position: number };

/** A permission's name, as the catalogue stores it. */
export const PERMISSION_NAME = /^[A-Za-z0-9][A-Za-z0-9._:*-]{0,99}$/;
export const MAX_QUERY_LENGTH = 1_000;
/** Parentheses nest at most this deep (the parser recurses: a bound keeps it from running out of stack). */
export const MAX_QUERY_DEPTH = 20;

type Token = { kind: "name" | "and" | "or" | "open" | "close" | "end"; text: string; at: number };

class QueryError extends Error {
  constructor(message: string, readonly position: number) {
    super(message);
  }
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
    } else if (c === "(" || c === ")") {
      tokens.push({ kind: c === "(" ? "open" : "close", text: c, at: i });
      i++;
    } else if (/[A-Za-z0-9]/.test(c)) {
      const start = i;
      while (i < text.length && /[A-Za-z0-9._:*-]/.test(text[i]!)) i++;
      const word = text.slice(start, i);
      if (word === "AND" || word === "OR") tokens.push({ kind: word === "AND" ? "and" : "or", text: word, at: start });
      else if (word.length > 100) throw new QueryError(`The permission name at position ${start + 1} is longer than 100 characters.`, start);
      else tokens.push({ kind: "name", text: word, at: start });
    } else {
      throw new QueryError(`Unexpected ${JSON.stringify(c)} at position ${i + 1}: a query is permission names, AND, OR and parentheses.`, i);
    }
  }
  tokens.push({ kind: "end", text: "", at: text.length });
  return tokens;
}

/** Parses a permission query; never throws. A refusal says what is wrong and where (position from 1). */
export function parsePermissionQuery(text: string): ParsedQuery {
  try {
    if (typeof text !== "string") throw new QueryError("A permission query is a string.", 0);
    if (text.length > MAX_QUERY_LENGTH) throw new QueryError(`A permission query is at most ${MAX_QUERY_LENGTH} characters.`, MAX_QUERY_LENGTH);
    const tokens = tokenize(text);
    let p = 0;
    const peek = () => tokens[p]!;
    const describe = (t: Token) => (t.kind === "end" ? "the end of the query" : JSON.stringify(t.text));
    const list = (kind: "and" | "or", next: (depth: number) => PermissionQuery, depth: number): PermissionQuery => {
      const items = [next(depth)];
      while (peek().kind === kind) {
        p++;
        items.push(next(depth));
      }
      if (items.length === 1) return items[0]!;
      return kind === "and" ? { and: items } : { or: items };
    };
    const or = (depth: number): PermissionQuery => list("or", and, depth);
    const and = (depth: number): PermissionQuery => list("and", term, depth);
    const term = (depth: number): PermissionQuery => {
      const t = peek();
      if (t.kind === "name") {
        p++;
        return { name: t.text };
      }
      if (t.kind === "open") {
        if (depth >= MAX_QUERY_DEPTH) throw new QueryError(`Parentheses nest more than ${MAX_QUERY_DEPTH} deep at position ${t.at + 1}.`, t.at);
        p++;
        const inner = or(depth + 1);
        const close = peek();
        if (close.kind !== "close") throw new QueryError(`Expected ")" at position ${close.at + 1}, found ${describe(close)}.`, close.at);
        p++;
        return inner;
      }
      throw new QueryError(`Expected a permission name or "(" at position ${t.at + 1}, found ${describe(t)}.`, t.at);
    };
    if (peek().kind === "end") throw new QueryError("The permission query is empty.", 0);
    const query = or(0);
    const rest = peek();
    if (rest.kind !== "end") throw new QueryError(`Expected AND, OR or the end at position ${rest.at + 1}, found ${describe(rest)}.`, rest.at);
    return { ok: true, query };
  } catch (error) {
    if (error instanceof QueryError) return { ok: false, message: error.message, position: error.position + 1 };
    return { ok: false, message: "That is not a permission query.", position: 1 };
  }
}

/** Whether permissions `granted` satisfy the query. */
export function satisfies(query: PermissionQuery, granted: ReadonlySet<string>): boolean {
  if ("name" in query) return granted.has(query.name);
  if ("and" in query) return query.and.every((q) => satisfies(q, granted));
  return query.or.some((q) => satisfies(q, granted));
}

/** The query written back out, with parentheses only where needed. */
export function formatQuery(query: PermissionQuery, inside: "and" | "or" | null = null): string {
  if ("name" in query) return query.name;
  if ("and" in query) return query.and.map((q) => formatQuery(q, "and")).join(" AND ");
  const text = query.or.map((q) => formatQuery(q, "or")).join(" OR ");
  return inside === "and" ? `(${text})` : text;
}

/**
 * What is missing for the query to hold, as a query of its own: for `a AND (b OR c)` with only a,
 * "b OR c". Null when nothing is (the query holds).
 */
export function missingFor(query: PermissionQuery, granted: ReadonlySet<string>): PermissionQuery | null {
  if (satisfies(query, granted)) return null;
  if ("name" in query) return query;
  if ("or" in query) return query;
  const parts = query.and.map((q) => missingFor(q, granted)).filter((q): q is PermissionQuery => q !== null);
  return parts.length === 1 ? parts[0]! : { and: parts };
}

/** Every permission name a query mentions, once each, in order. */
export function namesIn(query: PermissionQuery, into: string[] = []): string[] {
  if ("name" in query) {
    if (!into.includes(query.name)) into.push(query.name);
  } else for (const q of "and" in query ? query.and : query.or) namesIn(q, into);
  return into;
}

const parsedQueries = new Map<string, ParsedQuery>();
/**
 * parsePermissionQuery, remembered: services send the same few queries on every request, so each
 * distinct text is parsed once (at most 1,000 are kept; past that the oldest goes).
 */
export function parsePermissionQueryCached(text: string): ParsedQuery {
  let parsed = parsedQueries.get(text);
  if (parsed) return parsed;
  parsed = parsePermissionQuery(text);
  if (parsedQueries.size >= 1_000) parsedQueries.delete(parsedQueries.keys().next().value as string);
  parsedQueries.set(text, parsed);
  return parsed;
}
