// A key's IP allowlist: addresses and CIDR ranges, IPv4 and IPv6, matched with node:net's
// BlockList (an IPv4 entry also matches the address written IPv4-mapped, ::ffff:a.b.c.d).
import { BlockList, isIP } from "node:net";

/** The most entries one key's allowlist may hold. */
export const MAX_ALLOWLIST_ENTRIES = 100;

export type ParsedAllowlist = { ok: true; entries: string[] } | { ok: false; message: string; index: number };

/** One entry in its canonical form ("10.0.0.0/8", "2001:db8::/32", "192.0.2.7"), or null when it is neither an address nor a range. */
function canonical(entry: string): string | null {
  const text = entry.trim();
  const slash = text.indexOf("/");
  const address = slash < 0 ? text : text.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return null;
  if (slash < 0) return address.toLowerCase();
  const bits = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > (family === 4 ? 32 : 128)) return null;
  return `${address.toLowerCase()}/${Number(bits)}`;
}

/** Checks and normalises an allowlist; a refusal names the entry (index from 0) and what is wrong. */
export function parseAllowlist(entries: readonly string[]): ParsedAllowlist {
  if (entries.length > MAX_ALLOWLIST_ENTRIES) return { ok: false, message: `An allowlist has at most ${MAX_ALLOWLIST_ENTRIES} entries.`, index: MAX_ALLOWLIST_ENTRIES };
  const out: string[] = [];
  for (const [index, entry] of entries.entries()) {
    const c = typeof entry === "string" && entry.length <= 64 ? canonical(entry) : null;
    if (c === null) return { ok: false, message: `${JSON.stringify(String(entry).slice(0, 64))} is not an IPv4 or IPv6 address or CIDR range (such as 203.0.113.0/24 or 2001:db8::/32).`, index };
    if (!out.includes(c)) out.push(c);
  }
  return { ok: true, entries: out };
}

/** A matcher for stored (canonical) entries: whether an address is on the list. Null for an empty list (anywhere is allowed). */
export function allowlistMatcher(entries: readonly string[]): ((ip: string | null | undefined) => boolean) | null {
  if (entries.length === 0) return null;
  const list = new BlockList();
  for (const entry of entries) {
    const c = canonical(entry);
    if (c === null) continue; // stored entries were checked on the way in
    const [address, bits] = c.split("/") as [string, string | undefined];
    const type = isIP(address) === 4 ? "ipv4" : "ipv6";
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return (ip) => {
    const family = typeof ip === "string" ? isIP(ip) : 0;
    return family !== 0 && list.check(ip!, family === 4 ? "ipv4" : "ipv6");
  };
}
