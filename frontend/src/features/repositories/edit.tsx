// The Edit dialog of a repository (shown to repository admins only): General
// (description, visibility, immutable; delete) and Permissions (grants). The
// open tab lives in the URL (?settings=general|permissions). Its own Radix
// dialog, not the kit's form dialog: each tab has its own form.
import { useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { X } from "lucide-react";
import { Dialog as D } from "radix-ui";
import { useState } from "react";
import type { Repository } from "../../api/client";
import { $api } from "../../api/query";
import { Button, ConfirmDialog, Field, ProblemMessage, Tabs, typeLabel, useToast, useZodForm } from "../../ui";
import { settingsSchema } from "./forms";
import { PermissionsPanel } from "./permissions";

type Tab = "general" | "permissions";

export function EditRepositoryDialog({ repo, tab, onTab, onClose }: { repo: Repository; tab: Tab; onTab: (t: Tab) => void; onClose: () => void }) {
  return (
    <D.Root open onOpenChange={(o) => !o && onClose()}>
      <D.Portal>
        <D.Overlay className="backdrop" />
        <D.Content className="dialog wide edit-repo" aria-describedby={undefined}>
          <div className="dialog-head">
            <D.Title>Edit {repo.name}</D.Title>
            <D.Close className="ghost icon-button" aria-label="Close">
              <X size={18} aria-hidden />
            </D.Close>
          </div>
          <Tabs
            label="Repository settings"
            value={tab}
            onChange={onTab}
            items={[
              { value: "general", label: "General", content: <GeneralTab repo={repo} onClose={onClose} /> },
              { value: "permissions", label: "Permissions", content: <PermissionsPanel repo={repo} /> },
            ]}
          />
        </D.Content>
      </D.Portal>
    </D.Root>
  );
}

function GeneralTab({ repo, onClose }: { repo: Repository; onClose: () => void }) {
  const qc = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const update = $api.useMutation("patch", "/api/v1/repositories/{name}");
  const remove = $api.useMutation("delete", "/api/v1/repositories/{name}");
  const [confirmDelete, setConfirmDelete] = useState(false);
  const form = useZodForm(settingsSchema, {
    defaultValues: { description: repo.description, visibility: repo.visibility, immutable: repo.immutable },
  });
  const errors = form.formState.errors;
  const path = { params: { path: { name: repo.name } } };

  const save = form.handleSubmit(async (v) => {
    await update.mutateAsync({ ...path, body: v });
    await qc.invalidateQueries({ queryKey: ["get", "/api/v1/repositories/{name}"] });
    void qc.invalidateQueries({ queryKey: ["get", "/api/v1/repositories"] });
    toast.success(`Settings of ${repo.name} saved`);
    onClose();
  });

  return (
    <>
      <form
        onSubmit={(e) => {
          save(e).catch(() => {
            /* shown below from update.error */
          });
        }}
      >
        <dl className="meta">
          <div className="row">
            <dt>Name</dt>
            <dd>{repo.name}</dd>
          </div>
          <div className="row">
            <dt>Type</dt>
            <dd>{typeLabel(repo.type)}</dd>
          </div>
        </dl>
        <Field label="Description" error={errors.description}>
          <textarea rows={3} maxLength={1000} {...form.register("description")} />
        </Field>
        <fieldset className="field">
          <legend>Visibility</legend>
          <label className="radio">
            <input type="radio" value="private" {...form.register("visibility")} /> Private <span className="muted">— owner, admins and granted principals</span>
          </label>
          <label className="radio">
            <input type="radio" value="public" {...form.register("visibility")} /> Public <span className="muted">— everyone may read</span>
          </label>
        </fieldset>
        <label className="radio">
          <input type="checkbox" {...form.register("immutable")} /> Immutable <span className="muted">— stored tags and files cannot be overwritten</span>
        </label>
        <ProblemMessage error={update.error} />
        <div className="actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={update.isPending}>
            Save
          </Button>
        </div>
      </form>
      <section className="danger-zone" aria-label="Danger zone">
        <div>
          <strong>Delete this repository</strong>
          <p className="muted">Everything stored in it is deleted. This cannot be undone.</p>
        </div>
        <Button variant="danger" onClick={() => setConfirmDelete(true)}>
          Delete repository
        </Button>
      </section>
      {confirmDelete && (
        <ConfirmDialog
          title={`Delete repository ${repo.name}`}
          message={`Delete ${repo.name} and everything in it? This cannot be undone.`}
          typedName={repo.name}
          confirmLabel="Delete repository"
          onClose={() => setConfirmDelete(false)}
          onConfirm={async () => {
            await remove.mutateAsync(path);
            qc.removeQueries({ queryKey: ["get", "/api/v1/repositories/{name}", path] });
            void qc.invalidateQueries({ queryKey: ["get", "/api/v1/repositories"] });
            toast.success(`Repository ${repo.name} deleted`);
            void navigate({ to: "/repositories" });
          }}
        />
      )}
    </>
  );
}
