/** The one line to show for a failed tRPC call: the first field message, else the error's message. */
export function errorText(error: unknown): string {
  const err = error as { message?: string; data?: { zodError?: { fieldErrors?: Record<string, string[] | undefined> } } };
  return Object.values(err.data?.zodError?.fieldErrors ?? {}).flat().find(Boolean) ?? err.message ?? "Something went wrong.";
}
