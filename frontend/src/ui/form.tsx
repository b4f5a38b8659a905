// Form helpers for react-hook-form + zod:
//   const form = useZodForm(schema, { defaultValues });
//   <form onSubmit={form.handleSubmit(save)}><Field label="Name" error={form.formState.errors.name}><input {...form.register("name")} /></Field>
import { zodResolver } from "@hookform/resolvers/zod";
import { useId, cloneElement, isValidElement, type ReactElement, type ReactNode } from "react";
import { useForm, type FieldError, type FieldValues, type Resolver, type UseFormProps } from "react-hook-form";
// The core type: schemas built with "zod" and with the smaller "zod/mini" both fit.
import type * as z from "zod/v4/core";

/** useForm with the schema as resolver; values are typed from the schema. */
export function useZodForm<S extends z.$ZodType<FieldValues, FieldValues>>(schema: S, options: Omit<UseFormProps<z.input<S>, unknown, z.output<S>>, "resolver"> = {}) {
  // The cast bridges the resolver's generic FieldValues to the schema's types.
  const resolver = zodResolver(schema as never) as unknown as Resolver<z.input<S>, unknown, z.output<S>>;
  return useForm<z.input<S>, unknown, z.output<S>>({ ...options, resolver });
}

/**
 * A labelled control with its error below. The single child input gets the
 * id, aria-invalid and aria-describedby wired up.
 */
export function Field({ label, error, hint, children }: { label: ReactNode; error?: FieldError | string; hint?: ReactNode; children: ReactElement<Record<string, unknown>> | ReactNode }) {
  const id = useId();
  const message = typeof error === "string" ? error : error?.message;
  const describedBy = [hint ? `${id}-hint` : "", message ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  const controlId = isValidElement<Record<string, unknown>>(children) && typeof children.props.id === "string" ? children.props.id : id;
  const control = isValidElement<Record<string, unknown>>(children)
    ? cloneElement(children, { id: controlId, "aria-invalid": message ? true : undefined, "aria-describedby": describedBy })
    : children;
  return (
    <div className="field">
      <label htmlFor={controlId}>{label}</label>
      {control}
      {hint && (
        <small id={`${id}-hint`} className="muted">
          {hint}
        </small>
      )}
      {message && (
        <small id={`${id}-error`} className="field-error" role="alert">
          {message}
        </small>
      )}
    </div>
  );
}
