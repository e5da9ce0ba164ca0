/**
 * The colour theme a viewer chose: "system" follows the operating system. Kept in a cookie (not a
 * secret, a year long) so the server renders the first paint in it; in a plain module so server
 * components can read the name (see workspace-cookie.ts).
 */
export const THEME_COOKIE = "keyway-theme";
export const THEMES = ["system", "light", "dark"] as const;
export type Theme = (typeof THEMES)[number];

export function themeFrom(value: string | undefined): Theme {
  return THEMES.includes(value as Theme) ? (value as Theme) : "system";
}
