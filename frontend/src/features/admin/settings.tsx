// Administration > Settings: guest access (PUT replaces the whole settings
// object, so the form sends every field it read) and the LDAP configuration,
// read-only (KODERA_LDAP_* set it; the bind password never leaves the server).
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { Schema } from "../../api/client";
import { $api } from "../../api/query";
import { useAuth } from "../../api/session";
import { Button, ProblemMessage, useToast } from "../../ui";

type Settings = Schema<"Settings">;

/** The PUT body: everything read from the server, with the form's changes on top. */
export function settingsBody(current: Settings, changes: Partial<Settings>): Settings {
  return { ...current, ...changes };
}

export function SettingsSection() {
  const settings = $api.useQuery("get", "/api/v1/admin/settings");
  const save = $api.useMutation("put", "/api/v1/admin/settings");
  const qc = useQueryClient();
  const toast = useToast();
  const { reloadInfo } = useAuth();
  const [guest, setGuest] = useState(false);
  useEffect(() => {
    if (settings.data) setGuest(settings.data.guestAccess);
  }, [settings.data]);
  const dirty = !!settings.data && guest !== settings.data.guestAccess;
  return (
    <>
      <h1>Settings</h1>
      <ProblemMessage error={settings.error} />
      <form
        className="panel"
        aria-label="Access"
        onSubmit={async (e) => {
          e.preventDefault();
          if (!settings.data) return;
          try {
            await save.mutateAsync({ body: settingsBody(settings.data, { guestAccess: guest }) });
            toast.success(guest ? "Guest access on." : "Guest access off.");
            await qc.invalidateQueries({ queryKey: ["get", "/api/v1/admin/settings"] });
            reloadInfo();
          } catch {
            /* shown below from save.error */
          }
        }}
      >
        <h2>Access</h2>
        <label className="radio">
          <input type="checkbox" checked={guest} onChange={(e) => setGuest(e.target.checked)} disabled={!settings.data} /> Guest access{" "}
          <span className="muted">— anonymous visitors may read public repositories (browse, pull, install)</span>
        </label>
        <ProblemMessage error={save.error} />
        <Button type="submit" variant="primary" busy={save.isPending} disabled={!dirty}>
          Save
        </Button>
      </form>
      <LdapPanel />
    </>
  );
}

function LdapPanel() {
  const ldap = $api.useQuery("get", "/api/v1/admin/ldap");
  const l = ldap.data;
  return (
    <section className="panel" aria-labelledby="ldap-heading">
      <h2 id="ldap-heading">LDAP sign-in</h2>
      <ProblemMessage error={ldap.error} />
      {l && !l.enabled && <p className="muted">Off: set KODERA_LDAP_URL and the other KODERA_LDAP_* variables to let directory users sign in.</p>}
      {l && l.enabled && (
        <dl className="meta">
          {(
            [
              ["URL", l.url + (l.startTls ? " (StartTLS)" : "")],
              ["Service bind", l.bindDn ? `${l.bindDn}${l.bindPasswordSet ? " (password set)" : ""}` : "anonymous"],
              ["User base", l.userBaseDn],
              ["User filter", l.userFilter],
              ["Email / name attributes", `${l.emailAttribute} / ${l.nameAttribute}`],
              ["Admin group", l.adminGroupDn || "none"],
              ["Group filter", l.groupFilter],
              ["Timeout", `${l.timeoutSeconds} s`],
              ["Sync interval", l.syncIntervalSeconds ? `${l.syncIntervalSeconds} s` : "at login only"],
            ] as const
          ).map(([k, v]) => (
            <div key={k} className="row">
              <dt>{k}</dt>
              <dd className="mono">{v}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
