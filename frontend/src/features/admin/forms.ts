// The administration forms' schemas (tested in forms.test.ts).
import * as z from "zod";

const accountName = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "Lower case letters, digits, '.', '_' and '-', starting with a letter or digit; at most 64.");
const email = z.union([z.literal(""), z.email("Not an email address.").max(320, "At most 320 characters.")]);
const roles = z.array(z.enum(["user", "admin"])).min(1, "Pick at least one role.");

export const userCreateSchema = z.object({
  username: accountName,
  fullName: z.string().trim().max(200, "At most 200 characters."),
  email,
  password: z.string().min(8, "At least 8 characters.").max(1024, "At most 1024 characters."),
  roles,
});

export const userEditSchema = z.object({
  fullName: z.string().trim().max(200, "At most 200 characters."),
  email,
  // Empty keeps the password.
  password: z.union([z.literal(""), z.string().min(8, "At least 8 characters, or empty to keep it.").max(1024)]),
  roles,
  disabled: z.boolean(),
});

export const serviceCreateSchema = z.object({
  name: accountName,
  description: z.string().trim().max(500, "At most 500 characters."),
});

export const serviceEditSchema = z.object({
  description: z.string().trim().max(500, "At most 500 characters."),
  disabled: z.boolean(),
});

export const licenseSchema = z.object({
  // Sent exactly as pasted: the signature covers every byte.
  key: z.string().refine((s) => s.trim().length > 0, "Paste the license key."),
});

/** The PATCH body of the edit form: the password only when a new one was typed. */
export function userUpdateBody(v: z.output<typeof userEditSchema>) {
  const { password, ...rest } = v;
  return password ? { ...rest, password } : rest;
}

/** Runs a react-hook-form submit inside the kit Dialog: a server refusal is rethrown so the dialog shows its detail. */
export async function submitForm(handle: (f: () => Promise<void>) => () => Promise<void>, f: () => Promise<void>) {
  let failure: unknown;
  await handle(async () => {
    try {
      await f();
    } catch (e) {
      failure = e;
    }
  })();
  if (failure) throw failure;
}

