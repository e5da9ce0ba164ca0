// Reads what the run's mail catcher (maildev, a real SMTP server) received: tests open the links
// of real mails instead of looking tokens up in the database.
export interface ReceivedMail {
  id: string;
  subject: string;
  text: string;
  html: string;
  to: { address: string }[];
  date: string;
}

/** The newest mail to `to` (matching `subject` when given), waiting up to `timeoutMs` for it. */
export async function latestMail(apiUrl: string, to: string, subject?: RegExp, timeoutMs = 10_000): Promise<ReceivedMail> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const mails = (await (await fetch(`${apiUrl}/api/email`)).json()) as ReceivedMail[];
    const mine = mails.filter((m) => m.to.some((t) => t.address.toLowerCase() === to.toLowerCase()) && (!subject || subject.test(m.subject)));
    const newest = mine.sort((a, b) => Date.parse(b.date) - Date.parse(a.date))[0];
    if (newest) return newest;
    if (Date.now() > until) throw new Error(`no mail to ${to}${subject ? ` matching ${subject}` : ""} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** All mails to `to`, oldest first. */
export async function mailsTo(apiUrl: string, to: string): Promise<ReceivedMail[]> {
  const mails = (await (await fetch(`${apiUrl}/api/email`)).json()) as ReceivedMail[];
  return mails.filter((m) => m.to.some((t) => t.address.toLowerCase() === to.toLowerCase())).sort((a, b) => Date.parse(a.date) - Date.parse(b.date));
}

/** The first link into the portal in a mail's text. */
export function linkIn(mail: ReceivedMail, path: string): string {
  const match = new RegExp(`https?://[^\\s]+${path.replace(/[/]/g, "\\/")}[^\\s]*`).exec(mail.text);
  if (!match) throw new Error(`no ${path} link in "${mail.subject}"`);
  return match[0];
}
