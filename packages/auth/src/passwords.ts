// Password hashing with scrypt (node:crypto): memory-hard, no native addon. The cost is OWASP's
// current recommendation; a hash made with a lower cost is upgraded at the next sign-in.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))),
  );

/** N=2^17, r=8, p=1 needs 128 MiB per hash; maxmem leaves room for scrypt's own bookkeeping. */
const PARAMS = { N: 2 ** 17, r: 8, p: 1, maxmem: 160 * 1024 * 1024 };
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 1024;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password.normalize("NFKC"), salt, 32, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

/** A stored hash made with less than today's cost: rehash it once the password is known. */
export function needsRehash(stored: string): boolean {
  const [, n, r, p] = stored.split("$");
  return Number(n) < PARAMS.N || Number(r) !== PARAMS.r || Number(p) !== PARAMS.p;
}

export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  // Unknown users are checked against a dummy hash so both paths cost the same.
  const [scheme, n, r, p, salt, expected] = (stored ?? DUMMY).split("$");
  if (scheme !== "scrypt" || !salt || !expected) return false;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  // A hash is ours: a tampered row asking for more memory than we allow is refused, not run.
  if (!(cost.N >= 2 ** 14 && cost.N <= PARAMS.N && cost.r === 8 && cost.p === 1)) return false;
  const want = Buffer.from(expected, "base64");
  const got = await scrypt(password.normalize("NFKC"), Buffer.from(salt, "base64"), want.length, { ...cost, maxmem: PARAMS.maxmem });
  return stored !== undefined && stored !== null && timingSafeEqual(got, want);
}

const DUMMY = `scrypt$${PARAMS.N}$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;
