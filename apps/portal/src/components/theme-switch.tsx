"use client";
// System / Light / Dark, as native radio buttons: arrow keys move between them, and the choice
// applies at once (data-theme on <html>, which globals.css reads) and is kept for the next visit.
import { useId, useSyncExternalStore } from "react";
import { THEME_COOKIE, THEMES, themeFrom, type Theme } from "~/lib/theme";

const LABEL: Record<Theme, string> = { system: "System", light: "Light", dark: "Dark" };

// The <html> attribute is the one truth (the server wrote it from the cookie); every switch on the
// page (a header's, a sign-in card's) listens to it.
const listeners = new Set<() => void>();
const subscribe = (listener: () => void) => (listeners.add(listener), () => void listeners.delete(listener));
const current = () => themeFrom(document.documentElement.dataset.theme);

function apply(theme: Theme) {
  const root = document.documentElement;
  if (theme === "system") delete root.dataset.theme;
  else root.dataset.theme = theme;
  document.cookie = `${THEME_COOKIE}=${theme}; path=/; max-age=31536000; samesite=lax`;
  listeners.forEach((l) => l());
}

/** The theme now (null while the server renders: it cannot know) and the function that changes it. */
export function useTheme(): [Theme | null, (theme: Theme) => void] {
  return [useSyncExternalStore(subscribe, current, () => null), apply];
}

export const THEME_LABEL = LABEL;

export function ThemeSwitch({ className = "" }: { className?: string }) {
  const [theme] = useTheme();
  const name = useId();
  return (
    <fieldset className={`flex items-center gap-2 text-xs ${className}`}>
      <legend className="sr-only">Theme</legend>
      <span aria-hidden className="text-slate-500">Theme</span>
      <div className="flex rounded-md border border-slate-300 p-0.5">
        {THEMES.map((t) => (
          <label key={t} className="cursor-pointer rounded px-2 py-0.5 font-medium text-slate-600 has-checked:bg-slate-200 has-checked:text-slate-900 has-focus-visible:outline-2 has-focus-visible:outline-indigo-600">
            <input type="radio" name={name} value={t} checked={theme === t} className="sr-only"
              onChange={() => apply(t)} />
            {LABEL[t]}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
