// Whose request is it: the client's address, as every Keyway server decides it.
import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The header the portal's own server (apps/portal/server.mjs) sets to the socket's peer address,
 * overwriting whatever a client sent under that name: route handlers cannot see the socket.
 */
export const PEER_HEADER = "x-keyway-peer";
/**
 * When the portal forwards the public API to the gateway, it names the client it saw in
 * PEER_HEADER and signs it here (HMAC with AUTH_SECRET): the gateway believes the name only with a
 * valid signature, so nobody else can claim an address by sending the header.
 */
export const PEER_SIGNATURE_HEADER = "x-keyway-peer-signature";

export const peerSignature = (secret: string, ip: string) => createHmac("sha256", secret).update(`keyway-peer:${ip}`).digest("base64url");

export function signedPeer(secret: string, ip: string | null | undefined, signature: string | null | undefined): string | null {
  if (!ip || !signature) return null;
  const expected = Buffer.from(peerSignature(secret, ip));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? ip : null;
}

/**
 * The client's address. With no trusted proxy (the default) it is the socket's peer and
 * X-Forwarded-For is ignored: a client can write anything there. Behind N proxies that each append
 * the address they saw, the client is the Nth entry from the right.
 */
export function clientAddress(socketAddress: string | null | undefined, forwardedFor: string | null | undefined, trustedHops: number): string | null {
  let ip = socketAddress ?? null;
  if (trustedHops > 0 && forwardedFor) {
    const entries = forwardedFor.split(",").map((e) => e.trim()).filter(Boolean);
    ip = entries[entries.length - trustedHops] ?? entries[0] ?? ip;
  }
  if (!ip) return null;
  return ip.replace(/^::ffff:/, "").slice(0, 64);
}
