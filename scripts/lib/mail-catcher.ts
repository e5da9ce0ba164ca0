// The local mail catcher (npm maildev): a real SMTP server that keeps every mail it receives and
// shows them in a web UI, with a REST API the tests read (GET /api/email). The start command runs
// it when SMTP_URL is not set; the test command runs its own on free ports.
import { spawn } from "node:child_process";
import path from "node:path";
import { freePort, reachable, root, type Started } from "./services.ts";

export interface MailCatcher extends Started {
  /** The web UI and REST API. */
  webUrl: string;
}

export async function startMailCatcher(ports?: { smtp: number; web: number }): Promise<MailCatcher> {
  const smtp = ports?.smtp ?? (await freePort());
  const web = ports?.web ?? (await freePort());
  const child = spawn(
    process.execPath,
    [path.join(root, "node_modules", "maildev", "dist", "bin", "maildev.js"), "--smtp", String(smtp), "--web", String(web), "--ip", "127.0.0.1", "--web-ip", "127.0.0.1", "--max-emails", "5000"],
    { cwd: root, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  for (let i = 0; i < 100; i++) {
    if ((await reachable("127.0.0.1", smtp)) && (await reachable("127.0.0.1", web))) break;
    if (child.exitCode !== null) throw new Error(`the mail catcher (maildev) did not start: ${stderr.trim().split("\n").at(-1) ?? "exited"}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `smtp://127.0.0.1:${smtp}`,
    webUrl: `http://127.0.0.1:${web}`,
    origin: `mail catcher (maildev) on 127.0.0.1:${smtp}`,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((r) => child.once("exit", r));
      }
    },
  };
}
