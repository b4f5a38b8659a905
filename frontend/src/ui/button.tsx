// Button: the one button style; `variant` picks the look, `busy` disables it
// and says so to assistive technology.
import type { ButtonHTMLAttributes } from "react";

export type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: "default" | "primary" | "danger" | "ghost";
  size?: "normal" | "small";
  busy?: boolean;
};

export function Button({ variant = "default", size = "normal", busy, className, type = "button", disabled, children, ...rest }: ButtonProps) {
  const cls = [variant !== "default" ? variant : "", size === "small" ? "small" : "", className ?? ""].filter(Boolean).join(" ");
  return (
    <button type={type} className={cls || undefined} disabled={disabled || busy} aria-busy={busy || undefined} {...rest}>
      {children}
    </button>
  );
}
