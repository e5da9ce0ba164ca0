import { describe, expect, it } from "vitest";
import { decodeDecision, parseReply, recordAt } from "./limit-reply.ts";

const limits = { minute: 10, hour: 100, day: 1_000, month: 10_000 };

describe("the limit script's reply", () => {
  // now, day reset, month reset; then per request: blocked, retry ms, used ×4, minute and hour resets
  const reply = parseReply("1000,86400000,2592000000,0,0,3,4,5,6,61000,3601000,2,5000,10,11,12,13,65000,3605000");

  it("decodes an allowed request from its record", () => {
    expect(decodeDecision(reply, recordAt(0), limits)).toEqual({
      allowed: true,
      blockedBy: null,
      retryAfterMs: 0,
      now: 1000,
      degraded: false,
      windows: {
        minute: { limit: 10, used: 3, remaining: 7, resetAt: 61_000 },
        hour: { limit: 100, used: 4, remaining: 96, resetAt: 3_601_000 },
        day: { limit: 1_000, used: 5, remaining: 995, resetAt: 86_400_000 },
        month: { limit: 10_000, used: 6, remaining: 9_994, resetAt: 2_592_000_000 },
      },
    });
  });

  it("decodes the second request of a call: refused by the hour, with its wait", () => {
    const d = decodeDecision(reply, recordAt(1), { ...limits, minute: 10 });
    expect([d.allowed, d.blockedBy, d.retryAfterMs]).toEqual([false, "hour", 5_000]);
    expect(d.windows.minute).toEqual({ limit: 10, used: 10, remaining: 0, resetAt: 65_000 });
  });
});
