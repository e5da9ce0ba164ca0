// Limit overrides, as a key's own limits and a workspace's changes to its plan are both stored:
// four nullable columns, null meaning "not set". One place checks them and maps them to columns.
import { MAX_LIMIT, WINDOWS, type Window } from "@keyway/core";
import { DomainError } from "./errors.ts";

export type LimitOverrides = Partial<Record<Window, number | null>>;

type OverrideColumns = { limitMinute: number | null; limitHour: number | null; limitDay: number | null; limitMonth: number | null };

const COLUMNS = { minute: "limitMinute", hour: "limitHour", day: "limitDay", month: "limitMonth" } as const;

/** The column updates for these overrides (undefined: left as it is, null: cleared); refuses a bad value. */
export function overrideData(overrides: LimitOverrides): Partial<OverrideColumns> {
  const data: Partial<OverrideColumns> = {};
  for (const [w, v] of Object.entries(overrides) as [Window, number | null | undefined][]) {
    if (v === undefined) continue;
    if (v !== null && (!Number.isInteger(v) || v < 1 || v > MAX_LIMIT)) {
      throw new DomainError("INVALID_INPUT", `The ${w} limit must be a whole number from 1 to ${MAX_LIMIT.toLocaleString("en")}.`);
    }
    data[COLUMNS[w]] = v;
  }
  return data;
}

/** A row's overrides by window (for audit rows and answers). */
export const overridesOf = (row: OverrideColumns) => ({ minute: row.limitMinute, hour: row.limitHour, day: row.limitDay, month: row.limitMonth });

/**
 * Refuses limits that contradict each other, like a day limit above the month's: among the windows
 * that have one, a longer window never allows less than a shorter one.
 */
export function assertAscending(limits: Record<Window, number | null>): void {
  let previous: [Window, number] | null = null;
  for (const w of WINDOWS) {
    const v = limits[w];
    if (v === null) continue;
    if (previous && previous[1] > v) {
      throw new DomainError("INVALID_INPUT", `The ${previous[0]} limit (${previous[1].toLocaleString("en")}) cannot be higher than the ${w} limit (${v.toLocaleString("en")}).`, `limits.${previous[0]}`);
    }
    previous = [w, v];
  }
}
