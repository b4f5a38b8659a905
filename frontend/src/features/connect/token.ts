// The token the "use a token" strip asks for: one repository, an expiry,
// read or read+write. Pure, so its body is tested without a DOM.

/** The body of POST /api/v1/me/tokens for a token of one repository. */
export function tokenRequest(repository: string, scope: "read" | "write", days: number, now = new Date()) {
  const expiresAt = new Date(now.getTime() + days * 86_400_000);
  // Seconds in the name keep two tokens made the same minute apart.
  const stamp = now.toISOString().slice(0, 19).replace("T", " ");
  return {
    name: `connect ${repository} ${stamp}`,
    expiresAt: expiresAt.toISOString(),
    // write implies read on the server; both listed for a reader of the list.
    scopes: scope === "write" ? (["read", "write"] as ("read" | "write")[]) : (["read"] as ("read" | "write")[]),
    repositories: [repository],
  };
}
