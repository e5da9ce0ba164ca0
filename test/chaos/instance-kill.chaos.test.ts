// Two public API server processes share one Redis and PostgreSQL under load; one is killed
// (SIGKILL) half-way. The other keeps serving, and no request is counted twice: the limiter's
// count of admitted requests equals the successes clients saw, plus at most the requests that
// were in flight on the killed process.
import { afterAll, expect, it } from "vitest";
import { testConfig, testServices, uniqueEmail } from "../support.ts";
import { p, runLoad, sleep } from "./load.ts";
import { startApiServer } from "./server.ts";

const PHASE_MS = Number(process.env.CHAOS_PHASE_MS ?? 20_000) / 2;
const WORKERS = 16;
const config = testConfig();
const services = testServices({ REDIS_KEY_PREFIX: config.REDIS_KEY_PREFIX });
afterAll(() => services.close());

it("one instance killed: the other keeps serving, and the shared counts stay exact", async () => {
  const actor = { id: null, role: "system" as const };
  const user = await services.users.createWithPassword({ email: uniqueEmail("kill"), name: "K", password: "long-enough-pass", role: "developer", tier: "enterprise" });
  const { key, record } = await services.keys.create(actor, { userId: user.id, name: "shared" });
  await services.admin.workspaces.setLimits(actor, record.workspaceId, { minute: 1_000_000_000, hour: 1_000_000_000, day: 1_000_000_000, month: 1_000_000_000 });
  const a = await startApiServer(config);
  const b = await startApiServer(config);
  let alive = [a.port, b.port];

  const load = runLoad({ ports: () => alive, key: () => key, workers: WORKERS });
  await sleep(PHASE_MS);
  const killedAt = load.elapsed();
  a.child.kill("SIGKILL");
  alive = [b.port];
  await sleep(PHASE_MS);
  await load.stop();
  b.child.kill("SIGTERM");
  await new Promise((r) => b.child.once("exit", r));

  const s = load.samples;
  const ok = s.filter((x) => x.status === 200).length;
  const lost = s.filter((x) => x.status === 0);
  const onSurvivor = s.filter((x) => x.port === b.port);
  // What the limiter admitted, read from its own counters (the usage hash holds "<minute>:a").
  await services.limiter.flush();
  await services.usage.flushOnce();
  const admitted = (await services.db.usageBucket.aggregate({ where: { keyId: record.id, period: "month" }, _sum: { allowed: true } }))._sum.allowed ?? 0;
  console.log(
    [
      `instance kill: ${s.length} requests, ${ok} answered 200, ${lost.length} lost with the killed process (in flight at ${(killedAt / 1000).toFixed(1)} s)`,
      `survivor: ${onSurvivor.length} requests, statuses ${[...new Set(onSurvivor.map((x) => x.status))].join(",")}, p99 ${p(onSurvivor.map((x) => x.ms), 0.99).toFixed(1)} ms`,
      `limiter admitted ${admitted}: ${admitted - ok} more than the 200s clients saw (requests admitted by the killed process whose answers never left it)`,
    ].join("\n"),
  );
  // The survivor answered everything sent to it, before and after the kill.
  expect(onSurvivor.every((x) => x.status === 200)).toBe(true);
  expect(s.filter((x) => x.at > killedAt + 100).every((x) => x.status === 200)).toBe(true);
  // Only requests in flight on the killed process were lost (each worker has one in flight).
  expect(lost.length).toBeLessThanOrEqual(WORKERS);
  // No double counting: admitted = successes seen + at most the requests lost in flight.
  expect(admitted).toBeGreaterThanOrEqual(ok);
  expect(admitted - ok).toBeLessThanOrEqual(lost.length);
});
