// The repository forms' rules, checked in the browser before the server sees
// them. Loose on purpose: the server owns the grammar (reserved words, the
// exact separators) and its `detail` is shown when it refuses.
// zod/mini, like routes.tsx: the full zod would pull ~10 kB more of its core into the initial bundle.
import * as z from "zod/mini";
import type { RepositoryType, Visibility } from "../../api/client";

export const NAME_MAX = 64;

/** Why a repository name cannot be right, or undefined when it may be. */
export function repositoryNameProblem(name: string): string | undefined {
  if (name === "") return "Enter a name.";
  if (name.length > NAME_MAX) return `At most ${NAME_MAX} characters.`;
  if (name.includes("/")) return "One path component: no '/'.";
  if (!/^[a-z0-9._-]+$/.test(name)) return "Lowercase letters, digits, '.', '_' and '-' only.";
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return "Start and end with a letter or digit.";
  return undefined;
}

const repositoryTypes = ["docker", "pypi", "go", "files"] as const satisfies readonly RepositoryType[];
const visibilities = ["private", "public"] as const satisfies readonly Visibility[];

export const createSchema = z.object({
  name: z.string().check(
    z.trim(),
    z.superRefine((v, ctx) => {
      const p = repositoryNameProblem(v);
      if (p) ctx.addIssue({ code: "custom", message: p, input: v });
    }),
  ),
  type: z.enum(repositoryTypes),
  description: z.string().check(z.maxLength(1000, "At most 1000 characters.")),
  visibility: z.enum(visibilities),
});
export type CreateValues = z.output<typeof createSchema>;

export const settingsSchema = z.object({
  description: z.string().check(z.maxLength(1000, "At most 1000 characters.")),
  visibility: z.enum(visibilities),
  immutable: z.boolean(),
});

export const PERMISSION_LEVELS = ["read", "write", "admin"] as const;
export type Level = (typeof PERMISSION_LEVELS)[number];

/** A grant's principal: "user:<name>" or "service:<name>". */
export type Principal = { kind: "user" | "service"; name: string };

export function principalOf(kind: Principal["kind"], name: string): string {
  return `${kind}:${name.trim()}`;
}

export function parsePrincipal(p: string): Principal {
  if (p.startsWith("service:")) return { kind: "service", name: p.slice("service:".length) };
  return { kind: "user", name: p.replace(/^user:/, "") };
}

export const grantSchema = z.object({
  kind: z.enum(["user", "service"]),
  name: z.string().check(
    z.trim(),
    z.minLength(1, "Enter a username or service account name."),
    z.maxLength(128, "At most 128 characters."),
    z.refine((v) => !/[:\s/]/.test(v), "No spaces, ':' or '/'."),
  ),
  level: z.enum(PERMISSION_LEVELS),
});
