// Light and dark themes: the system's preference (prefers-color-scheme) until the user picks one with the toggle,
// which is remembered for this browser (localStorage) and set as <html data-theme>.
export type Theme = "light" | "dark";
const KEY = "telco-ledger-theme";

export function initialTheme(): Theme {
  const saved = localStorage.getItem(KEY);
  if (saved === "light" || saved === "dark") return saved;
  return window.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

export function applyTheme(theme: Theme, remember: boolean): void {
  document.documentElement.dataset.theme = theme;
  if (remember) localStorage.setItem(KEY, theme);
}
