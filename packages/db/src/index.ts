export { createDb, pingDb, type Db } from "./client.ts";
export { describeDbError } from "./errors.ts";
export { Prisma, type User, type ApiKey, type Tier, type AuditLog, Role, KeyStatus } from "./generated/prisma/client.ts";
export { keyService, keyStore, KeyError, isKeyError, publicKeySelect, type KeyService, type PublicKey, type Invalidation, type LimitOverrides } from "./keys.ts";
export { writeAudit, type Actor, type AuditEntry } from "./audit.ts";
export { usageStore, addCounts, rollUp, periodStart, zeroCounts, PERIODS, type UsageStore, type FlushBatch, type Counts } from "./usage.ts";
export type { UsagePeriod } from "./generated/prisma/client.ts";
