-- CreateEnum
CREATE TYPE "KeyEnvironment" AS ENUM ('live', 'test');

-- CreateEnum
CREATE TYPE "CreditRefill" AS ENUM ('daily', 'monthly');

-- AlterTable
ALTER TABLE "Tier" ADD COLUMN     "maxKeyLifetimeDays" INTEGER;

-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "creditsPeriod" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "creditsRefill" "CreditRefill",
ADD COLUMN     "creditsRefillAmount" INTEGER,
ADD COLUMN     "creditsRemaining" INTEGER,
ADD COLUMN     "creditsSeq" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "creditsVersion" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "creditsPeriod" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "creditsRefill" "CreditRefill",
ADD COLUMN     "creditsRefillAmount" INTEGER,
ADD COLUMN     "creditsRemaining" INTEGER,
ADD COLUMN     "creditsSeq" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "creditsVersion" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "environment" "KeyEnvironment" NOT NULL DEFAULT 'live',
ADD COLUMN     "ipAllowlist" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "Permission" (
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Permission_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "KeyRole" (
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "KeyRole_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "KeyRolePermission" (
    "roleName" TEXT NOT NULL,
    "permissionName" TEXT NOT NULL,

    CONSTRAINT "KeyRolePermission_pkey" PRIMARY KEY ("roleName","permissionName")
);

-- CreateTable
CREATE TABLE "KeyPermission" (
    "keyId" TEXT NOT NULL,
    "permissionName" TEXT NOT NULL,

    CONSTRAINT "KeyPermission_pkey" PRIMARY KEY ("keyId","permissionName")
);

-- CreateTable
CREATE TABLE "KeyRoleGrant" (
    "keyId" TEXT NOT NULL,
    "roleName" TEXT NOT NULL,

    CONSTRAINT "KeyRoleGrant_pkey" PRIMARY KEY ("keyId","roleName")
);

-- CreateIndex
CREATE INDEX "KeyRolePermission_permissionName_idx" ON "KeyRolePermission"("permissionName");

-- CreateIndex
CREATE INDEX "KeyPermission_permissionName_idx" ON "KeyPermission"("permissionName");

-- CreateIndex
CREATE INDEX "KeyRoleGrant_roleName_idx" ON "KeyRoleGrant"("roleName");

-- AddForeignKey
ALTER TABLE "KeyRolePermission" ADD CONSTRAINT "KeyRolePermission_roleName_fkey" FOREIGN KEY ("roleName") REFERENCES "KeyRole"("name") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeyRolePermission" ADD CONSTRAINT "KeyRolePermission_permissionName_fkey" FOREIGN KEY ("permissionName") REFERENCES "Permission"("name") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeyPermission" ADD CONSTRAINT "KeyPermission_keyId_fkey" FOREIGN KEY ("keyId") REFERENCES "ApiKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeyPermission" ADD CONSTRAINT "KeyPermission_permissionName_fkey" FOREIGN KEY ("permissionName") REFERENCES "Permission"("name") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeyRoleGrant" ADD CONSTRAINT "KeyRoleGrant_keyId_fkey" FOREIGN KEY ("keyId") REFERENCES "ApiKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeyRoleGrant" ADD CONSTRAINT "KeyRoleGrant_roleName_fkey" FOREIGN KEY ("roleName") REFERENCES "KeyRole"("name") ON DELETE CASCADE ON UPDATE CASCADE;
