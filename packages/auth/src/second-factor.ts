// The second factor: TOTP (RFC 6238, otplib) with ten single-use recovery codes. The TOTP secret
// is stored encrypted and the recovery codes as HMACs, both keyed from AUTH_SECRET, so a copy of
// the database alone gives neither. A code's time step is remembered so no code works twice.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { generateSecret, generateURI, verify } from "otplib";
import QRCode from "qrcode";
import type { Db } from "@keyway/db";

export const RECOVERY_CODE_COUNT = 10;
const ISSUER = "Keyway";
/** A code from the previous or the next 30 s step is accepted (clocks drift). */
const TOLERANCE_S = 30;

export function secondFactorService(db: Db, authSecret: string, clock: () => number = Date.now) {
  const encryptionKey = Buffer.from(hkdfSync("sha256", authSecret, "keyway", "totp-secret", 32));
  const codeKey = Buffer.from(hkdfSync("sha256", authSecret, "keyway", "recovery-code", 32));

  const seal = (secret: string) => {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", encryptionKey, iv);
    const body = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
    return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url")}`;
  };
  const open = (sealed: string) => {
    const raw = Buffer.from(sealed.slice(3), "base64url");
    const decipher = createDecipheriv("aes-256-gcm", encryptionKey, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  };
  /** Recovery codes are compared without dashes, spaces or case. */
  const canonical = (code: string) => code.replace(/[\s-]/g, "").toLowerCase();
  const codeHash = (code: string) => createHmac("sha256", codeKey).update(canonical(code)).digest("base64url");
  const newCode = () => {
    const text = randomBytes(8).readBigUInt64BE().toString(36).padStart(13, "0").slice(0, 10);
    return `${text.slice(0, 5)}-${text.slice(5)}`;
  };

  async function checkTotp(userId: string, sealed: string, lastStep: number | null, token: string): Promise<boolean> {
    if (!/^\d{6}$/.test(token)) return false;
    const epoch = Math.floor(clock() / 1000);
    const result = await verify({ secret: open(sealed), token, epoch, epochTolerance: TOLERANCE_S });
    if (!result.valid) return false;
    const step = Math.floor(epoch / 30) + result.delta; // the RFC 6238 time step the code belongs to
    if (lastStep !== null && step <= lastStep) return false;
    // Claim the step: of two requests with the same code, only one updates the row.
    const claimed = await db.user.updateMany({
      where: { id: userId, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
      data: { totpLastStep: step },
    });
    return claimed.count === 1;
  }

  return {
    /** Starts enrolment: a new secret (replacing an unconfirmed one), as a QR code and as text. */
    async begin(userId: string, email: string) {
      const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { totpEnabledAt: true } });
      if (user.totpEnabledAt) return null;
      const secret = generateSecret();
      await db.user.update({ where: { id: userId }, data: { totpSecret: seal(secret), totpLastStep: null } });
      const uri = generateURI({ issuer: ISSUER, label: email, secret });
      return { secret, uri, qr: await QRCode.toDataURL(uri, { margin: 1, width: 192 }) };
    },

    /** Confirms enrolment with a first code; returns the recovery codes (shown once), or null for a wrong code. */
    async confirm(userId: string, token: string): Promise<string[] | null> {
      const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { totpSecret: true, totpEnabledAt: true, totpLastStep: true } });
      if (!user.totpSecret || user.totpEnabledAt) return null;
      if (!(await checkTotp(userId, user.totpSecret, user.totpLastStep, token))) return null;
      const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
      await db.$transaction([
        db.user.update({ where: { id: userId }, data: { totpEnabledAt: new Date(clock()) } }),
        db.recoveryCode.deleteMany({ where: { userId } }),
        db.recoveryCode.createMany({ data: codes.map((code) => ({ userId, hash: codeHash(code) })) }),
      ]);
      return codes;
    },

    /** New recovery codes; the old ones stop working. */
    async regenerateCodes(userId: string): Promise<string[]> {
      const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
      await db.$transaction([
        db.recoveryCode.deleteMany({ where: { userId } }),
        db.recoveryCode.createMany({ data: codes.map((code) => ({ userId, hash: codeHash(code) })) }),
      ]);
      return codes;
    },

    async disable(userId: string): Promise<void> {
      await db.$transaction([
        db.user.update({ where: { id: userId }, data: { totpSecret: null, totpEnabledAt: null, totpLastStep: null } }),
        db.recoveryCode.deleteMany({ where: { userId } }),
      ]);
    },

    async remainingCodes(userId: string): Promise<number> {
      return db.recoveryCode.count({ where: { userId, usedAt: null } });
    },

    /**
     * A sign-in's second step: a current TOTP code, or an unused recovery code (used up by this
     * call). Which one it was, or null when neither matched.
     */
    async check(userId: string, code: string): Promise<"totp" | "recovery" | null> {
      const user = await db.user.findUnique({ where: { id: userId }, select: { totpSecret: true, totpEnabledAt: true, totpLastStep: true } });
      if (!user?.totpSecret || !user.totpEnabledAt) return null;
      const given = code.trim();
      if (/^\d{6}$/.test(given)) return (await checkTotp(userId, user.totpSecret, user.totpLastStep, given)) ? "totp" : null;
      if (canonical(given).length !== 10) return null;
      const hash = codeHash(given);
      const unused = await db.recoveryCode.findMany({ where: { userId, usedAt: null }, select: { id: true, hash: true } });
      const match = unused.find((c) => c.hash.length === hash.length && timingSafeEqual(Buffer.from(c.hash), Buffer.from(hash)));
      if (!match) return null;
      const used = await db.recoveryCode.updateMany({ where: { id: match.id, usedAt: null }, data: { usedAt: new Date(clock()) } });
      return used.count === 1 ? "recovery" : null;
    },
  };
}
export type SecondFactorService = ReturnType<typeof secondFactorService>;
