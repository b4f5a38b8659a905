import { describe, expect, it } from "vitest";
import { passwordSchema, profileSchema } from "./profile-forms";

const issues = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  Object.fromEntries((r.error?.issues ?? []).map((i) => [i.path.join("."), i.message]));

describe("passwordSchema", () => {
  it("accepts a new password typed twice", () => {
    expect(passwordSchema.safeParse({ currentPassword: "old-secret", newPassword: "new-secret-1", confirm: "new-secret-1" }).success).toBe(true);
  });
  it("puts a mismatch on the confirmation field", () => {
    expect(issues(passwordSchema.safeParse({ currentPassword: "old-secret", newPassword: "new-secret-1", confirm: "new-secret-2" }))).toEqual({
      confirm: "The two new passwords differ.",
    });
  });
  it("needs the current password and 8 characters", () => {
    const e = issues(passwordSchema.safeParse({ currentPassword: "", newPassword: "short", confirm: "short" }));
    expect(e.currentPassword).toBe("Enter your current password.");
    expect(e.newPassword).toBe("At least 8 characters.");
  });
  it("refuses the current password as the new one", () => {
    expect(issues(passwordSchema.safeParse({ currentPassword: "same-secret", newPassword: "same-secret", confirm: "same-secret" })).newPassword).toBe(
      "The new password is the current one.",
    );
  });
});

describe("profileSchema", () => {
  it("allows clearing the email but not a malformed one", () => {
    expect(profileSchema.safeParse({ fullName: "Ann", email: "" }).success).toBe(true);
    expect(profileSchema.safeParse({ fullName: "Ann", email: "ann@example.com" }).success).toBe(true);
    expect(issues(profileSchema.safeParse({ fullName: "Ann", email: "ann@" })).email).toBeDefined();
  });
});
