// The signed-in user's profile: name and email, password, personal tokens.
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { api, call } from "../../api/client";
import { $api } from "../../api/query";
import { useAuth } from "../../api/session";
import { TokensList } from "../../ui/access-tokens";
import { Button, Field, pageToRange, ProblemMessage, useToast, useZodForm } from "../../ui";
import { passwordSchema, profileSchema } from "./profile-forms";

export function ProfilePage() {
  return (
    <div className="page">
      <h1>Profile</h1>
      <div className="columns">
        <ProfileForm />
        <PasswordForm />
      </div>
      <PersonalTokens />
    </div>
  );
}

export function ProfileForm() {
  const { refresh } = useAuth();
  const toast = useToast();
  const qc = useQueryClient();
  const me = $api.useQuery("get", "/api/v1/me");
  const save = $api.useMutation("patch", "/api/v1/me");
  const form = useZodForm(profileSchema, { defaultValues: { fullName: "", email: "" } });
  const { errors, isSubmitting } = form.formState;
  // What the user typed before the profile arrived (or while a save's
  // refetch was under way) stays: only untouched fields take the server's.
  useEffect(() => {
    if (me.data) form.reset({ fullName: me.data.fullName, email: me.data.email }, { keepDirtyValues: true });
  }, [me.data]); // eslint-disable-line react-hooks/exhaustive-deps
  const submit = form.handleSubmit(async (v) => {
    try {
      await save.mutateAsync({ body: v });
      await qc.invalidateQueries({ queryKey: ["get", "/api/v1/me"] });
      await refresh();
      toast.success("Profile saved.");
    } catch {
      /* shown below from save.error */
    }
  });
  return (
    <form className="panel" onSubmit={submit} aria-label="Name and email" noValidate>
      <h2>Name and email</h2>
      <ProblemMessage error={me.error} />
      <Field label="Username">
        <input value={me.data?.username ?? ""} readOnly disabled />
      </Field>
      <Field label="Full name" error={errors.fullName}>
        <input {...form.register("fullName")} autoComplete="name" />
      </Field>
      <Field label="Email" error={errors.email}>
        <input type="email" {...form.register("email")} autoComplete="email" />
      </Field>
      <ProblemMessage error={save.error} />
      <Button type="submit" variant="primary" busy={isSubmitting} disabled={!me.data}>
        Save
      </Button>
    </form>
  );
}

function PasswordForm() {
  const toast = useToast();
  const change = $api.useMutation("put", "/api/v1/me/password");
  const form = useZodForm(passwordSchema, { defaultValues: { currentPassword: "", newPassword: "", confirm: "" } });
  const { errors, isSubmitting } = form.formState;
  const submit = form.handleSubmit(async ({ currentPassword, newPassword }) => {
    try {
      await change.mutateAsync({ body: { currentPassword, newPassword } });
      form.reset();
      toast.success("Password changed; your other sessions were ended.");
    } catch {
      /* shown below from change.error */
    }
  });
  return (
    <form className="panel" onSubmit={submit} aria-label="Change password" noValidate>
      <h2>Change password</h2>
      <Field label="Current password" error={errors.currentPassword}>
        <input type="password" autoComplete="current-password" {...form.register("currentPassword")} />
      </Field>
      <Field label="New password" hint="At least 8 characters." error={errors.newPassword}>
        <input type="password" autoComplete="new-password" {...form.register("newPassword")} />
      </Field>
      <Field label="Confirm new password" error={errors.confirm}>
        <input type="password" autoComplete="new-password" {...form.register("confirm")} />
      </Field>
      <ProblemMessage error={change.error} />
      <Button type="submit" variant="primary" busy={isSubmitting}>
        Change password
      </Button>
    </form>
  );
}

function PersonalTokens() {
  const { page } = useSearch({ from: "/profile" });
  const navigate = useNavigate({ from: "/profile" });
  const qc = useQueryClient();
  const range = pageToRange(page, 20);
  const tokens = $api.useQuery("get", "/api/v1/me/tokens", { params: { query: range } }, { placeholderData: (prev) => prev });
  return (
    <section className="panel" aria-labelledby="personal-tokens">
      <h2 id="personal-tokens">Personal tokens</h2>
      <p className="muted">Tokens let docker, pip, twine, go, curl and the REST API act as you. Use one in place of your password; revoke it when a machine is gone.</p>
      <TokensList
        label="Personal tokens"
        rows={tokens.data?.items}
        total={tokens.data?.total ?? 0}
        loading={tokens.isFetching}
        error={tokens.error}
        page={page ?? 1}
        pageSize={20}
        onPage={(p) => navigate({ search: { page: p > 1 ? p : undefined } })}
        create={(body) => call(api.POST("/api/v1/me/tokens", { body }))}
        revoke={(t) => call(api.DELETE("/api/v1/me/tokens/{id}", { params: { path: { id: t.id } } }))}
        onChanged={() => void qc.invalidateQueries({ queryKey: ["get", "/api/v1/me/tokens"] })}
        empty={<p>No personal tokens yet. Create one to log in from docker, pip or go without your password.</p>}
      />
    </section>
  );
}
