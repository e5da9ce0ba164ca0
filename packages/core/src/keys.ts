// The key format: ys_<tier>_<id>_<secret><checksum>
//   tier      the plan at creation, informational only (limits come from the stored record)
//   id        16 base62 characters, the lookup id (~95 bits)
//   secret    33 base62 characters from a CSPRNG (~196 bits)
//   checksum  6 base62 characters: CRC32 of everything before it, so typos and random strings
//             are rejected offline, before any database or Redis call (as GitHub tokens do).
// Every segment is base62, so "_" only ever separates segments.
import { createHmac, hash, randomInt, timingSafeEqual } from "node:crypto";
import { MAX_KEY_LENGTH } from "@keyway/protocol";

export { MAX_KEY_LENGTH };
import { crc32 } from "node:zlib";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const KEY_ID_LENGTH = 16;
export const KEY_SECRET_LENGTH = 33;
export const KEY_CHECKSUM_LENGTH = 6;
export const TIER_NAME = /^[a-z0-9]{1,20}$/;

/** For secret scanners (also in the README). */
export const KEY_PATTERN = /\bys_[a-z0-9]{1,20}_[0-9A-Za-z]{16}_[0-9A-Za-z]{39}\b/;
const EXACT = /^ys_([a-z0-9]{1,20})_([0-9A-Za-z]{16})_([0-9A-Za-z]{39})$/;

export function randomBase62(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(62)];
  return out;
}

function base62Fixed(value: number, width: number): string {
  let out = "";
  for (let i = 0; i < width; i++) {
    out = ALPHABET[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

export const checksum = (body: string) => base62Fixed(crc32(body) >>> 0, KEY_CHECKSUM_LENGTH);

export interface ParsedKey {
  tier: string;
  id: string;
  /** ys_<tier>_<id>: safe to show and to log. */
  prefix: string;
}

export type ParseResult = ({ ok: true } & ParsedKey) | { ok: false; code: "MISSING_KEY" | "MALFORMED" };

export function formatKey(tier: string, id: string, secret: string): string {
  const body = `ys_${tier}_${id}_${secret}`;
  return body + checksum(body);
}

export function generateKey(tier: string): { key: string } & ParsedKey {
  if (!TIER_NAME.test(tier)) throw new Error(`tier name ${JSON.stringify(tier)} is not 1-20 of a-z and 0-9`);
  const id = randomBase62(KEY_ID_LENGTH);
  return { key: formatKey(tier, id, randomBase62(KEY_SECRET_LENGTH)), tier, id, prefix: `ys_${tier}_${id}` };
}

/** Never throws, does no I/O. */
export function parseKey(raw: unknown): ParseResult {
  if (typeof raw !== "string" || raw.trim() === "") return { ok: false, code: "MISSING_KEY" };
  if (raw.length > MAX_KEY_LENGTH) return { ok: false, code: "MALFORMED" };
  const match = EXACT.exec(raw);
  if (!match) return { ok: false, code: "MALFORMED" };
  const [, tier, id, rest] = match as unknown as [string, string, string, string];
  const body = raw.slice(0, raw.length - KEY_CHECKSUM_LENGTH);
  if (checksum(body) !== rest.slice(KEY_SECRET_LENGTH)) return { ok: false, code: "MALFORMED" };
  return { ok: true, tier, id, prefix: `ys_${tier}_${id}` };
}

/** SHA-256 of the whole key, or HMAC-SHA-256 with the server's pepper when one is set. Hex. */
export function hashKey(key: string, pepper?: string): string {
  return pepper ? createHmac("sha256", pepper).update(key).digest("hex") : hash("sha256", key, "hex");
}

/** Constant-time comparison of two hex digests; a length mismatch is false, never a throw. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  if (x.length !== y.length || x.length === 0) {
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
}
