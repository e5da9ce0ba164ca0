import { describe, expect, it } from "vitest";
import { periodEnd, periodStart, stepFrom } from "./calendar.ts";

const at = (iso: string) => Date.parse(iso);

describe("UTC periods", () => {
  it("starts and ends each period in UTC, months by the calendar", () => {
    const t = at("2026-02-28T23:59:30.500Z");
    expect(new Date(periodStart("minute", t)).toISOString()).toBe("2026-02-28T23:59:00.000Z");
    expect(new Date(periodEnd("hour", t)).toISOString()).toBe("2026-03-01T00:00:00.000Z");
    expect(new Date(periodStart("day", t)).toISOString()).toBe("2026-02-28T00:00:00.000Z");
    expect(new Date(periodEnd("month", t)).toISOString()).toBe("2026-03-01T00:00:00.000Z");
    expect(new Date(periodEnd("month", at("2028-02-10T00:00:00Z"))).toISOString()).toBe("2028-03-01T00:00:00.000Z");
  });

  it("steps back and forth across a year", () => {
    const jan = periodStart("month", at("2026-01-15T12:00:00Z"));
    expect(new Date(stepFrom("month", jan, -1)).toISOString()).toBe("2025-12-01T00:00:00.000Z");
    expect(new Date(stepFrom("month", jan, 11)).toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(stepFrom("day", periodStart("day", jan), -2)).toBe(at("2025-12-30T00:00:00Z"));
  });
});
