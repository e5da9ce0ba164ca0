// Structured JSON logs. Secrets never reach a log line: auth headers and cookies are redacted,
// and keys are only ever logged as their display prefix.
import { pino, type DestinationStream, type Logger } from "pino";

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: "keyway" },
    redact: {
      paths: ["req.headers.authorization", "req.headers.cookie", "req.headers[\"x-api-key\"]", "key", "password", "*.password", "*.key"],
      censor: "[redacted]",
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
