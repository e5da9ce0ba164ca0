// Structured JSON logs. Secrets never reach a log line: auth headers and cookies are redacted,
// and keys are only ever logged as their display prefix.
import { pino, type Logger } from "pino";

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "keyway" },
    redact: {
      paths: ["req.headers.authorization", "req.headers.cookie", "req.headers[\"x-api-key\"]", "key", "password", "*.password", "*.key"],
      censor: "[redacted]",
    },
  });
}
