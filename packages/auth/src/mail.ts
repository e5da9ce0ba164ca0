// Mail that really leaves: nodemailer over SMTP_URL. Without SMTP_URL every send fails with a
// clear error instead of dropping the mail (the start command always sets one: a local catcher).
import nodemailer from "nodemailer";
import type { Config } from "@keyway/core";

export interface Mail {
  to: string;
  subject: string;
  /** Paragraphs of plain text; the HTML part is made from the same words. */
  paragraphs: string[];
  /** A button (HTML) and a line (text) with the link the mail is about. */
  action?: { label: string; url: string };
}

export class MailNotConfiguredError extends Error {
  override name = "MailNotConfiguredError";
  constructor() {
    super("Keyway cannot send email: SMTP_URL is not set.");
  }
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The mail as text and as minimal, inline-styled HTML (mail clients ignore stylesheets). */
export function render(mail: Mail): { text: string; html: string } {
  const text = [...mail.paragraphs, ...(mail.action ? [`${mail.action.label}: ${mail.action.url}`] : []), "— Keyway"].join("\n\n");
  const body = mail.paragraphs.map((p) => `<p style="margin:0 0 16px">${escape(p)}</p>`).join("");
  const button = mail.action
    ? `<p style="margin:24px 0"><a href="${escape(mail.action.url)}" style="background:#4f46e5;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none;font-weight:600">${escape(mail.action.label)}</a></p>` +
      `<p style="margin:0 0 16px;font-size:13px;color:#475569">Or paste this address into your browser: ${escape(mail.action.url)}</p>`
    : "";
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#0f172a;max-width:560px;margin:0 auto;padding:24px">${body}${button}<p style="color:#64748b;font-size:13px">— Keyway</p></body></html>`;
  return { text, html };
}

export function mailService(config: Pick<Config, "SMTP_URL" | "MAIL_FROM">) {
  const transport = config.SMTP_URL ? nodemailer.createTransport(config.SMTP_URL) : null;
  return {
    configured: transport !== null,
    async send(mail: Mail): Promise<void> {
      if (!transport) throw new MailNotConfiguredError();
      await transport.sendMail({ from: config.MAIL_FROM, to: mail.to, subject: mail.subject, ...render(mail) });
    },
    close(): void {
      transport?.close();
    },
  };
}
export type MailService = ReturnType<typeof mailService>;
