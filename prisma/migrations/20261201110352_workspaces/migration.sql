-- Workspaces hold keys and a plan. Every user gets a personal workspace with the tier they had,
-- is its owner, and their keys move into it: every existing key verifies as before, now counted
-- against its workspace's plan.

-- CreateEnum
CREATE TYPE "WorkspaceRole" AS ENUM ('owner', 'admin', 'developer', 'viewer');

-- CreateTable
CREATE TABLE "Workspace" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "personal" BOOLEAN NOT NULL DEFAULT false,
    "externalId" TEXT,
    "tierName" TEXT NOT NULL DEFAULT 'free',
    "limitMinute" INTEGER,
    "limitHour" INTEGER,
    "limitDay" INTEGER,
    "limitMonth" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Workspace_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Membership" (
    "workspaceId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "role" "WorkspaceRole" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("workspaceId","userId")
);

-- Each user's personal workspace (its id derived from the user's, so the statements below can
-- find it), on the user's tier, with the user as owner.
INSERT INTO "Workspace" ("id", "name", "personal", "tierName", "createdAt", "updatedAt")
SELECT 'ws' || u."id", 'Personal', true, u."tierName", u."createdAt", CURRENT_TIMESTAMP FROM "User" u;

INSERT INTO "Membership" ("workspaceId", "userId", "role", "createdAt")
SELECT 'ws' || u."id", u."id", 'owner', u."createdAt" FROM "User" u;

-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "workspaceId" TEXT;
UPDATE "ApiKey" SET "workspaceId" = 'ws' || "userId";
ALTER TABLE "ApiKey" ALTER COLUMN "workspaceId" SET NOT NULL;

-- DropForeignKey
ALTER TABLE "User" DROP CONSTRAINT "User_tierName_fkey";

-- DropIndex
DROP INDEX "User_tierName_idx";

-- AlterTable
ALTER TABLE "User" DROP COLUMN "tierName";

-- CreateIndex
CREATE UNIQUE INDEX "Workspace_externalId_key" ON "Workspace"("externalId");

-- CreateIndex
CREATE INDEX "Workspace_tierName_idx" ON "Workspace"("tierName");

-- CreateIndex
CREATE INDEX "Membership_userId_idx" ON "Membership"("userId");

-- CreateIndex
CREATE INDEX "ApiKey_workspaceId_status_idx" ON "ApiKey"("workspaceId", "status");

-- AddForeignKey
ALTER TABLE "Workspace" ADD CONSTRAINT "Workspace_tierName_fkey" FOREIGN KEY ("tierName") REFERENCES "Tier"("name") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;
