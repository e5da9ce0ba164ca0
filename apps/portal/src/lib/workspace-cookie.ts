/**
 * The cookie naming the workspace the portal shows (not a secret: each call checks membership).
 * In a plain module: a server component importing it from a "use client" file would get a client
 * reference instead of the string.
 */
export const WORKSPACE_COOKIE = "keyway-workspace";
