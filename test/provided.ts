// What the integration run's global setup hands to every test file (see global-setup.ts).
declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    redisPrefix: string;
    /** The run's mail catcher: SMTP, and the REST API that lists what it received. */
    smtpUrl: string;
    mailApiUrl: string;
  }
}
export {};
