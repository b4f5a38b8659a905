// The profile forms' schemas, apart from the components so they are tested alone.
import * as z from "zod";

export const profileSchema = z.object({
  fullName: z.string().trim().max(200, "At most 200 characters."),
  // "" clears the address; anything else must look like one.
  email: z.union([z.literal(""), z.email("Not an email address.").max(320, "At most 320 characters.")]),
});

export const passwordSchema = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password."),
    newPassword: z.string().min(8, "At least 8 characters.").max(1024, "At most 1024 characters."),
    confirm: z.string(),
  })
  .refine((v) => v.newPassword === v.confirm, { message: "The two new passwords differ.", path: ["confirm"] })
  .refine((v) => v.newPassword !== v.currentPassword, { message: "The new password is the current one.", path: ["newPassword"] });
