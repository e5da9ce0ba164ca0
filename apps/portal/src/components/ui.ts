// Button and field styles shared by every page, so one look is decided in one place.
const button = "rounded-md px-3 py-1.5 text-sm font-medium";
export const primary = `${button} bg-indigo-600 text-white hover:bg-indigo-700 disabled:opacity-60`;
export const secondary = `${button} border border-slate-300 bg-white text-slate-700 hover:bg-slate-100 disabled:opacity-60`;
export const danger = `${button} bg-red-600 text-white hover:bg-red-700 disabled:opacity-60`;
export const input = "rounded-md border border-slate-300 px-3 py-1.5 text-sm shadow-sm focus:border-indigo-500";
export const card = "rounded-xl border border-slate-200 bg-white shadow-sm";
/**
 * A container that scrolls wide content (tables) sideways. `relative` makes it the containing block
 * of the visually hidden (absolutely positioned) header labels inside, which otherwise escape the
 * scroll and widen the whole page on a phone.
 */
export const scrollX = "relative overflow-x-auto";
