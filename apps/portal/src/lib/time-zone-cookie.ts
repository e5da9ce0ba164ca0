/** The cookie naming the viewer's chosen time zone (an IANA name; absent: the browser's own). See workspace-cookie.ts on why a plain module. */
export const TIME_ZONE_COOKIE = "keyway-tz";
