-- The audit log is append-only for everyone who connects, the application's role included:
-- UPDATE, DELETE and TRUNCATE on "AuditLog" raise an error. (Dropping the table or the trigger
-- needs its owner; deployments that run the app as a separate role get that separation too.)
CREATE FUNCTION keyway_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % on "AuditLog" is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "AuditLog_append_only_rows"
  BEFORE UPDATE OR DELETE ON "AuditLog"
  FOR EACH ROW EXECUTE FUNCTION keyway_audit_append_only();

CREATE TRIGGER "AuditLog_append_only_truncate"
  BEFORE TRUNCATE ON "AuditLog"
  FOR EACH STATEMENT EXECUTE FUNCTION keyway_audit_append_only();
