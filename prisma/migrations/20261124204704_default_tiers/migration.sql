-- The three plans of the original service, with its per-minute/hour/day/month limits.
INSERT INTO "Tier" ("name", "description", "perMinute", "perHour", "perDay", "perMonth", "updatedAt") VALUES
  ('free', 'For trying things out', 10, 100, 1000, 10000, CURRENT_TIMESTAMP),
  ('pro', 'For production apps', 100, 2000, 25000, 500000, CURRENT_TIMESTAMP),
  ('enterprise', 'For high-volume platforms', 1000, 10000, 100000, 2000000, CURRENT_TIMESTAMP)
ON CONFLICT ("name") DO NOTHING;
