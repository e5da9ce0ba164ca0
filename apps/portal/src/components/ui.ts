// Button and field styles shared by every page, so one look is decided in one place.
const button = "rounded-md px-3 py-1.5 text-sm font-medium";
// (a hover darkens in light mode and lightens in dark mode, where the 700 shade is a light colour)
export const primary = `${button} bg-indigo-600 text-white hover:bg-indigo-700 dark:hover:bg-indigo-500 disabled:opacity-60`;
/** The one main action of a small page (sign-in, sign-up, an error page). */
export const primaryLarge = "rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700 dark:hover:bg-indigo-500 disabled:opacity-60";
export const secondary = `${button} border border-slate-300 bg-surface text-slate-700 hover:bg-slate-100 disabled:opacity-60`;
export const danger = `${button} bg-red-600 text-white hover:bg-red-700 dark:hover:bg-red-500 disabled:opacity-60`;
export const input = "rounded-md border border-slate-300 px-3 py-1.5 text-sm shadow-sm focus:border-indigo-500";
export const card = "rounded-xl border border-slate-200 bg-surface shadow-sm";
/**
 * A container that scrolls wide content (tables) sideways. `relative` makes it the containing block
 * of the visually hidden (absolutely positioned) header labels inside, which otherwise escape the
 * scroll and widen the whole page on a phone.
 */
export const scrollX = "relative overflow-x-auto";
/** A terminal-style code block (a curl line, a secret): the same dark block in both themes. */
export const codeBlock = "overflow-x-auto rounded-md bg-[#0f172a] p-3 text-xs text-[#f1f5f9] ring-1 ring-slate-700";
