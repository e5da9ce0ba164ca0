import { describe, expect, it } from "vitest";
import { decodeRecord, HEADER, parseReply, recordSize } from "./limit-reply.ts";

const limits = { minute: 10, hour: 100, day: 1_000, month: 10_000 };
const plan = { minute: 100, hour: 1_000, day: 10_000, month: 100_000 };

describe("the limit script's reply", () => {
  // now, day reset, month reset; then per request: refusing scope, refusing window, retry ms, the
  // credits' answer, per scope used ×4, minute and hour resets, per credit pool its balance.
  // Request 1 has one scope, request 2 two, request 3 one scope and one pool (that refused it).
  const reply = parseReply(["1000,86400000,2592000000", "0,0,0,0,3,4,5,6,61000,3601000", "2,2,5000,0,1,2,3,4,62000,3602000,10,1000,12,13,65000,3605000", "0,0,86399000,1,0,0,0,0,61000,3601000,0"].join(","));
  const second = HEADER.SIZE + recordSize(1);

  it("decodes an allowed request of one scope", () => {
    expect(decodeRecord(reply, HEADER.SIZE, [limits])).toEqual({
      blockedScope: -1,
      blockedBy: null,
      retryAfterMs: 0,
      now: 1000,
      windows: [
        {
          minute: { limit: 10, used: 3, remaining: 7, resetAt: 61_000 },
          hour: { limit: 100, used: 4, remaining: 96, resetAt: 3_601_000 },
          day: { limit: 1_000, used: 5, remaining: 995, resetAt: 86_400_000 },
          month: { limit: 10_000, used: 6, remaining: 9_994, resetAt: 2_592_000_000 },
        },
      ],
    });
  });

  it("decodes the next request, of two scopes: refused by the second scope's hour, with its wait", () => {
    const d = decodeRecord(reply, second, [limits, plan]);
    expect([d.blockedScope, d.blockedBy, d.retryAfterMs]).toEqual([1, "hour", 5_000]);
    expect(d.windows[0]!.minute).toEqual({ limit: 10, used: 1, remaining: 9, resetAt: 62_000 });
    expect(d.windows[1]!.hour).toEqual({ limit: 1_000, used: 1_000, remaining: 0, resetAt: 3_605_000 });
    expect(d.windows[1]!.month).toEqual({ limit: 100_000, used: 13, remaining: 99_987, resetAt: 2_592_000_000 });
  });

  it("decodes a request refused by its credit pool: the wait is until the refill, no window refused", () => {
    const d = decodeRecord(reply, second + recordSize(2), [limits], 1);
    expect([d.blockedScope, d.blockedBy, d.retryAfterMs]).toEqual([-1, null, 86_399_000]);
    expect(d.credits).toEqual({ balances: [0], refused: 0 });
  });
});
