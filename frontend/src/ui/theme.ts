// Light/dark theme: follows prefers-color-scheme until the user picks one
// with the toggle (stored in localStorage). CSS reads <html data-theme>.
export type ThemeChoice = "light" | "dark" | "system";
const key = "kodera-theme";

export function storedTheme(): ThemeChoice {
  try {
    const v = localStorage.getItem(key);
    return v === "light" || v === "dark" ? v : "system";
  } catch {
    return "system";
  }
}

/** The theme in effect: the stored choice, else the system's. */
export function effectiveTheme(choice: ThemeChoice = storedTheme()): "light" | "dark" {
  if (choice !== "system") return choice;
  return typeof matchMedia === "function" && matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

export function applyTheme(choice: ThemeChoice = storedTheme()) {
  const root = document.documentElement;
  if (choice === "system") delete root.dataset.theme;
  else root.dataset.theme = choice;
}

export function setTheme(choice: ThemeChoice) {
  try {
    if (choice === "system") localStorage.removeItem(key);
    else localStorage.setItem(key, choice);
  } catch {
    /* private mode: the choice lasts this page only */
  }
  applyTheme(choice);
}
