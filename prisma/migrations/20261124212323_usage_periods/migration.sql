-- CreateEnum
CREATE TYPE "UsagePeriod" AS ENUM ('minute', 'hour', 'day', 'month');

-- DropIndex
DROP INDEX "UsageBucket_userId_hour_idx";

-- DropIndex
DROP INDEX "UsageBucket_hour_idx";

-- AlterTable
ALTER TABLE "UsageBucket" DROP CONSTRAINT "UsageBucket_pkey",
DROP COLUMN "hour",
ADD COLUMN     "period" "UsagePeriod" NOT NULL,
ADD COLUMN     "start" TIMESTAMP(3) NOT NULL,
ADD CONSTRAINT "UsageBucket_pkey" PRIMARY KEY ("keyId", "period", "start");

-- CreateTable
CREATE TABLE "UsageFlush" (
    "token" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UsageFlush_pkey" PRIMARY KEY ("token")
);

-- CreateIndex
CREATE INDEX "UsageFlush_at_idx" ON "UsageFlush"("at");

-- CreateIndex
CREATE INDEX "UsageBucket_userId_period_start_idx" ON "UsageBucket"("userId", "period", "start");

-- CreateIndex
CREATE INDEX "UsageBucket_period_start_idx" ON "UsageBucket"("period", "start");
