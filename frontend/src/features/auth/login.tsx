// Sign-in: one form for local and LDAP users (the server decides which), the
// server's `detail` on failure, then back to ?next= (same-origin paths only).
import { useNavigate, useSearch, Link } from "@tanstack/react-router";
import { useAuth } from "../../api/session";
import { Button, Field, ProblemMessage, useZodForm } from "../../ui";
import { loginSchema, safeNext } from "./next";
import { useState } from "react";

export function LoginPage() {
  const { login, version, guestAccess } = useAuth();
  const { next } = useSearch({ from: "/login" });
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const form = useZodForm(loginSchema, { defaultValues: { username: "", password: "" } });
  const errors = form.formState.errors;

  const submit = form.handleSubmit(async (v) => {
    setError(null);
    try {
      await login(v.username, v.password);
    } catch (e) {
      setError(e);
      return;
    }
    // history.replace: Back must not return to the login form.
    await navigate({ href: safeNext(next), replace: true });
  });

  return (
    <div className="login">
      <form className="card" onSubmit={(e) => void submit(e)} aria-label="Log in" noValidate>
        <h1>Kodera Packages</h1>
        <Field label="Username" error={errors.username}>
          <input autoComplete="username" autoFocus autoCapitalize="none" spellCheck={false} {...form.register("username")} />
        </Field>
        <Field label="Password" error={errors.password}>
          <input type="password" autoComplete="current-password" {...form.register("password")} />
        </Field>
        <ProblemMessage error={error} />
        <Button type="submit" variant="primary" className="block" busy={form.formState.isSubmitting}>
          Log in
        </Button>
        {guestAccess && (
          <p className="muted center">
            or <Link to="/repositories">browse public repositories</Link>
          </p>
        )}
        {version && <p className="muted center small">version {version}</p>}
      </form>
    </div>
  );
}
