// How the portal writes dates and numbers: in the viewer's locale, and in the time zone they chose
// (Settings) or else their browser's. Dates are written through useDates() (lib/dates.tsx), which
// binds these to the viewer's zone.
export const number = new Intl.NumberFormat("en");

/** The time zone cookie's value if it names a zone this runtime knows, else undefined (the browser's own). */
export function validTimeZone(zone: string | undefined): string | undefined {
  if (!zone || zone.length > 64) return undefined;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

/** The date formatters in one time zone (undefined: the runtime's own, the browser's on a page). */
export function datesIn(timeZone: string | undefined) {
  const at = (d: Date | string | number) => new Date(d);
  const format = (d: Date | string | number, options: Intl.DateTimeFormatOptions) => at(d).toLocaleString(undefined, { ...options, timeZone });
  return {
    timeZone,
    dateTime: (d: Date | string | null) => (d ? format(d, { dateStyle: "medium", timeStyle: "short" }) : "—"),
    /** The day alone, for narrow table columns (the time goes in the cell's title). */
    dateOnly: (d: Date | string | null) => (d ? format(d, { dateStyle: "medium" }) : "—"),
    /** To the second: when requests a second apart must read apart (a key's recent verifications). */
    preciseTime: (d: Date | string) => format(d, { dateStyle: "medium", timeStyle: "medium" }),
    /** Any other shape ("Dec 1", "14:05", "December 2026"). */
    format,
    /**
     * The instant a calendar day ("2026-12-01") starts in this zone: midnight there, found by
     * measuring the zone's offset at the UTC midnight and once more at the result (a DST change).
     */
    startOfDay(day: string): Date {
      const [y, m, d] = day.split("-").map(Number) as [number, number, number];
      const utc = Date.UTC(y, m - 1, d);
      const offsetAt = (t: number) => {
        const parts = Object.fromEntries(new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(t).map((p) => [p.type, p.value]));
        return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)) - t;
      };
      const first = utc - offsetAt(utc);
      return new Date(utc - offsetAt(first));
    },
    /** The zone the times are in, as people read it: "Europe/Paris, UTC+01:00", or "UTC". */
    zoneLabel(): string {
      const zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone === "UTC" || zone === "Etc/UTC") return "UTC";
      const offset = new Intl.DateTimeFormat("en", { timeZone: zone, timeZoneName: "longOffset" }).formatToParts(new Date()).find((p) => p.type === "timeZoneName")?.value;
      return offset ? `${zone}, ${offset === "GMT" ? "UTC+00:00" : offset.replace("GMT", "UTC")}` : zone;
    },
  };
}
export type Dates = ReturnType<typeof datesIn>;

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
