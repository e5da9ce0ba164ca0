// What the HTTP and flush benchmarks start from: a migrated database of their own with `count`
// keys of one user's workspace on a tier whose limits are never reached, and the pids whose CPU they measure.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { generateKey, hashKey } from "@keyway/core";
import { createDb, personalWorkspaceOf, withPersonalWorkspace } from "@keyway/db";
import { connectionOf } from "@keyway/redis";
import { deployMigrations } from "@keyway/db/migrate";

/** What the policy keys hold (bench:http's policy guard asks for it on every request), and where they may be used from. */
export const BENCH_POLICY = { permission: "bench.read", allowlist: ["203.0.113.0/24", "2001:db8::/32"] } as const;

/**
 * `count` keys; with `policyCount`, that many more, each granted BENCH_POLICY.permission and
 * limited to BENCH_POLICY.allowlist (bench:http compares requests of both kinds).
 */
export async function seedKeys(databaseUrl: string, count: number, policyCount = 0) {
  await deployMigrations(databaseUrl);
  const db = createDb(databaseUrl);
  try {
    await db.tier.create({ data: { name: "bench", perMinute: 1e9, perHour: 1e9, perDay: 1e9, perMonth: 1e9 } });
    const user = await db.user.create({ data: { email: "bench@example.test", ...withPersonalWorkspace("bench") } });
    const workspace = await personalWorkspaceOf(db, user.id);
    const keys = Array.from({ length: count }, () => generateKey("bench"));
    const policyKeys = Array.from({ length: policyCount }, () => generateKey("bench"));
    if (policyCount > 0) await db.permission.create({ data: { name: BENCH_POLICY.permission } });
    // 2,000 rows a statement: past PostgreSQL's bind-parameter limit Prisma splits one createMany
    // into statements it sends at once on the transaction's connection (pg warns that it queues them)
    for (const [set, policy] of [[keys, false], [policyKeys, true]] as const) {
      for (let i = 0; i < set.length; i += 2_000) {
        const part = set.slice(i, i + 2_000);
        await db.apiKey.createMany({
          data: part.map((k) => ({
            id: k.id, workspaceId: workspace.id, userId: user.id, name: k.id, prefix: k.prefix, hash: hashKey(k.key), tierAtCreation: "bench",
            ...(policy ? { ipAllowlist: [...BENCH_POLICY.allowlist] } : {}),
          })),
        });
        if (policy) await db.keyPermission.createMany({ data: part.map((k) => ({ keyId: k.id, permissionName: BENCH_POLICY.permission })) });
      }
    }
    return { keys, policyKeys };
  } finally {
    await db.$disconnect();
  }
}

/**
 * seedKeys in a child process that writes the keys to `file`, one a line: the migrations and the
 * Prisma client leave a large heap behind, and a process that has stopped allocating gets a few
 * major GCs from V8's memory reducer seconds later (bursts on both cores, seen with
 * `perf sched timehist`), which would land in the measured rows if the bench itself had seeded.
 */
export function seedKeysFile(databaseUrl: string, count: number, file: string, policyFile?: string): void {
  execFileSync(process.execPath, ["--import", "tsx", import.meta.filename, databaseUrl, String(count), file, ...(policyFile ? [policyFile] : [])], { stdio: "inherit" });
}
if (process.argv[1] === import.meta.filename) {
  const [databaseUrl, count, file, policyFile] = process.argv.slice(2);
  const { keys, policyKeys } = await seedKeys(databaseUrl!, Number(count), policyFile ? Number(count) : 0);
  writeFileSync(file!, keys.map((k) => k.key).join("\n"));
  if (policyFile) writeFileSync(policyFile, policyKeys.map((k) => k.key).join("\n"));
}

/**
 * redis-cli's (and redis-benchmark's) options for a REDIS_URL: -u for a URL, -s for a Unix socket
 * (what ioredis connects to).
 */
export function redisCliTarget(redisUrl: string): string[] {
  const target = connectionOf(redisUrl);
  if (!target.startsWith("/")) return ["-u", target];
  // a socket path, with the URL's ?password= (as the app's client gets it) passed as -a
  const [socket, query] = target.split("?");
  const password = new URLSearchParams(query ?? "").get("password");
  return ["-s", socket!, ...(password ? ["-a", password] : [])];
}

/** Redis's pid, and PostgreSQL's postmaster (the oldest postgres process; its backends count with it). */
export function servicePids(redisUrl: string) {
  return {
    redis: Number(/process_id:(\d+)/.exec(execFileSync("redis-cli", [...redisCliTarget(redisUrl), "info", "server"], { encoding: "utf8" }))?.[1] ?? 0),
    postmaster: Number(execFileSync("pgrep", ["-o", "-x", "postgres"], { encoding: "utf8" }).trim()),
  };
}
