-- CreateIndex
CREATE INDEX "ApiKey_rolledToId_idx" ON "ApiKey"("rolledToId");

-- CreateIndex
CREATE INDEX "AuditLog_targetKeyId_at_idx" ON "AuditLog"("targetKeyId", "at");
