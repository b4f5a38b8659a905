// Administration > Licensing: the key in use and activating a new one.
import { useQueryClient } from "@tanstack/react-query";
import { api, call, type Schema } from "../../api/client";
import { $api } from "../../api/query";
import { useAuth } from "../../api/session";
import { Button, Field, formatDate, ProblemMessage, useToast, useZodForm } from "../../ui";
import { licenseSchema } from "./forms";

type License = Schema<"License">;

const statusText: Record<License["status"], string> = {
  evaluation: "evaluation",
  active: "active",
  expiring: "expiring soon",
  expired: "expired",
};

/** The rows of the "key in use" panel. */
export function licenseRows(l: License): [string, string][] {
  return [
    ["Status", statusText[l.status] ?? l.status],
    ["Licensee", l.licensee ?? "— (evaluation mode)"],
    ["Key id", l.id ?? "—"],
    ["Issued", formatDate(l.issuedAt)],
    ["Expires", l.expiresAt ? formatDate(l.expiresAt) : l.status === "evaluation" ? "—" : "never"],
    ["Active users", `${l.activeUsers} of ${l.maxUsers}`],
    ["Features", l.features.length ? l.features.join(", ") : "—"],
  ];
}

export function LicensingSection() {
  const license = $api.useQuery("get", "/api/v1/admin/license");
  const qc = useQueryClient();
  const toast = useToast();
  const { reloadInfo } = useAuth();
  const form = useZodForm(licenseSchema, { defaultValues: { key: "" } });
  const submit = form.handleSubmit(async ({ key }) => {
    try {
      // The key goes exactly as pasted.
      await call(api.PUT("/api/v1/admin/license", { body: { key } }));
      form.reset();
      toast.success("License key activated.");
      await qc.invalidateQueries({ queryKey: ["get", "/api/v1/admin/license"] });
      reloadInfo();
    } catch (e) {
      form.setError("key", { type: "server", message: (e as Error).message });
    }
  });
  return (
    <>
      <h1>Licensing</h1>
      <section className="panel" aria-labelledby="key-in-use">
        <h2 id="key-in-use">Key in use</h2>
        <ProblemMessage error={license.error} />
        {license.isPending && <span className="skeleton" aria-hidden />}
        {license.data && (
          <dl className="meta" aria-label="License details">
            {licenseRows(license.data).map(([k, v]) => (
              <div key={k} className="row">
                <dt>{k}</dt>
                <dd data-license={k}>{v}</dd>
              </div>
            ))}
          </dl>
        )}
      </section>
      <form className="panel" onSubmit={submit} aria-label="Activate a license key" noValidate>
        <h2>Activate a license key</h2>
        <Field label="License key" hint="Paste it unchanged; it replaces the key in use." error={form.formState.errors.key}>
          <textarea className="mono" rows={6} spellCheck={false} {...form.register("key")} />
        </Field>
        <Button type="submit" variant="primary" busy={form.formState.isSubmitting}>
          Activate
        </Button>
      </form>
    </>
  );
}
