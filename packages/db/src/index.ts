export { createDb, pingDb, type Db } from "./client.ts";
export { describeDbError, DomainError, isDomainError, type DomainErrorCode } from "./errors.ts";
export { Prisma, type User, type ApiKey, type Tier, type AuditLog, Role, KeyStatus } from "./generated/prisma/client.ts";
export { keyService, keyStore, publicKeySelect, type KeyService, type PublicKey, type LimitOverrides } from "./keys.ts";
export { writeAudit, type Actor, type AuditEntry } from "./audit.ts";
export { usageStore, addCounts, rollUp, zeroCounts, PERIODS, type UsageStore, type FlushBatch } from "./usage.ts";
export type { UsagePeriod } from "./generated/prisma/client.ts";
export { MAX_LIMIT } from "@keyway/core";
export { adminService, assertAnotherAdmin, checkLimits, USER_PAGE_SIZE, AUDIT_PAGE_SIZE, type AdminService, type AuditFilter, type TierInput } from "./admin.ts";
