// "Last used" is known to the minute: how the keys list words it.
import { describe, expect, it } from "vitest";
import { datesIn, lastUsedAgo } from "./format.ts";

describe("lastUsedAgo", () => {
  const minute = Date.UTC(2026, 10, 25, 5, 40); // a use at some moment of 05:40

  it("reads 'just now' during that minute and the next, whenever in the minute the use came", () => {
    expect(lastUsedAgo(new Date(minute), minute + 5_000)).toBe("just now");
    expect(lastUsedAgo(new Date(minute), minute + 65_000)).toBe("just now"); // used at 05:40:55, looked at 05:41:05
    expect(lastUsedAgo(new Date(minute), minute + 119_000)).toBe("just now");
  });

  it("counts from the minute's end after that", () => {
    expect(lastUsedAgo(new Date(minute), minute + 150_000)).toBe("1 minute ago");
    expect(lastUsedAgo(new Date(minute), minute + 60_000 + 3 * 3_600_000)).toBe("3 hours ago");
  });
});

describe("startOfDay", () => {
  it("is midnight in the chosen zone, on the days clocks change too", () => {
    expect(datesIn("Asia/Tokyo").startOfDay("2026-12-01").toISOString()).toBe("2026-11-30T15:00:00.000Z");
    expect(datesIn("UTC").startOfDay("2026-12-01").toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(datesIn("America/New_York").startOfDay("2026-03-08").toISOString()).toBe("2026-03-08T05:00:00.000Z"); // clocks go forward at 2:00
    expect(datesIn("America/New_York").startOfDay("2026-11-01").toISOString()).toBe("2026-11-01T04:00:00.000Z"); // and back at 2:00
    expect(datesIn("Asia/Kolkata").startOfDay("2026-06-15").toISOString()).toBe("2026-06-14T18:30:00.000Z");
  });
});
