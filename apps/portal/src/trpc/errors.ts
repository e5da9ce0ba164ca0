/** The one line to show for a failed tRPC call: the first field message, else the error's message. */
export function errorText(error: unknown): string {
  const err = error as { message?: string; data?: { zodError?: { fieldErrors?: Record<string, string[] | undefined> } } };
  return Object.values(err.data?.zodError?.fieldErrors ?? {}).flat().find(Boolean) ?? err.message ?? "Something went wrong.";
}

/** A failed call's messages by input field ("limits.day", "name"), to show beside each field. */
export function fieldErrors(error: unknown): Record<string, string> {
  return (error as { data?: { fields?: Record<string, string> | null } } | null)?.data?.fields ?? {};
}

/**
 * The form-level line for a failed call: nothing when every field it names is one the form shows
 * beside its field (`shown`), else the one-line message.
 */
export function formError(error: unknown, shown: string[]): string | null {
  if (!error) return null;
  const fields = Object.keys(fieldErrors(error));
  return fields.length > 0 && fields.every((f) => shown.includes(f)) ? null : errorText(error);
}
