// Where the login form sends the user afterwards, and its checks.
import * as z from "zod/mini";

export const loginSchema = z.object({
  username: z.string().check(z.trim(), z.minLength(1, "Enter your username.")),
  // Not trimmed: spaces may be part of a password.
  password: z.string().check(z.minLength(1, "Enter your password.")),
});

/**
 * ?next= if it is a path on this site, else the repositories list. A
 * protocol-relative "//evil.example" or "/\evil" would leave the site.
 */
export function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/repositories";
  if (next === "/login" || next.startsWith("/login?")) return "/repositories";
  return next;
}
