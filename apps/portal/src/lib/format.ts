// How the portal writes dates and numbers: in the viewer's locale and time zone.
export const number = new Intl.NumberFormat("en");

export const dateTime = (d: Date | string | null) =>
  d ? new Date(d).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "—";

/** To the second: when requests a second apart must read apart (a key's recent verifications). */
export const preciseTime = (d: Date | string) => new Date(d).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });

/** The day alone, for narrow table columns (the time goes in the cell's title). */
export const dateOnly = (d: Date | string | null) => (d ? new Date(d).toLocaleDateString(undefined, { dateStyle: "medium" }) : "—");

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["second", 60],
  ["minute", 60],
  ["hour", 24],
  ["day", 30],
  ["month", 12],
  ["year", Infinity],
];

/** "just now", "3 minutes ago", "in 2 days". */
export function ago(d: Date | string | number, now = Date.now()): string {
  let value = (new Date(d).getTime() - now) / 1000;
  if (Math.abs(value) < 60) return "just now";
  for (const [unit, size] of STEPS) {
    if (Math.abs(value) < size) return relative.format(Math.round(value), unit);
    value /= size;
  }
  return relative.format(Math.round(value), "year");
}

/**
 * A key's last use, which is known to the minute (the start of the minute it was in): counted
 * from that minute's end, so a request made seconds ago reads "just now" even when it came late
 * in the minute and the list is looked at early in the next.
 */
export const lastUsedAgo = (minuteStart: Date | string, now = Date.now()) =>
  ago(Math.min(now, new Date(minuteStart).getTime() + 60_000), now);
