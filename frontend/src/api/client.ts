// The typed API client: openapi-fetch over the types openapi-typescript
// generates from spec/openapi.yaml (gen/ts/api.d.ts).
import createClient, { defaultPathSerializer, type Middleware } from "openapi-fetch";
import type { components, paths } from "../../../gen/ts/api";

/** Every path the UI calls. */
export type ApiPaths = paths;
type AllSchemas = components["schemas"];
/** A schema of the spec by name. */
export type Schema<K extends keyof AllSchemas> = AllSchemas[K];

export type Problem = Schema<"Problem">;
export type Me = Schema<"Me">;
export type Repository = Schema<"Repository">;
export type RepositoryType = Schema<"RepositoryType">;
export type Visibility = Schema<"Visibility">;

/** An API failure; message is the problem's detail (or its title). */
export class ApiError extends Error {
  readonly status: number;
  readonly problem?: Problem;
  constructor(status: number, message: string, problem?: Problem) {
    super(message);
    this.status = status;
    this.problem = problem;
  }
}

let csrfToken = "";

/** Remembers the session's CSRF token (from login or GET /auth/session). */
export function setCsrfToken(t: string) {
  csrfToken = t;
}

/** The headers an unsafe request outside openapi-fetch needs (XMLHttpRequest uploads, which report progress). */
export function sessionHeaders(): Record<string, string> {
  return csrfToken ? { "X-Requested-With": "XMLHttpRequest", "X-CSRF-Token": csrfToken } : { "X-Requested-With": "XMLHttpRequest" };
}

const unsafe = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Listeners told when any call answers 401 (the session ended). */
const unauthorized = new Set<() => void>();
export function onUnauthorized(f: () => void): () => void {
  unauthorized.add(f);
  return () => unauthorized.delete(f);
}

const session: Middleware = {
  onRequest({ request }) {
    // Tells the server not to answer 401 with a Basic challenge, which would
    // make the browser show its own login dialog.
    request.headers.set("X-Requested-With", "XMLHttpRequest");
    if (csrfToken && unsafe.has(request.method)) request.headers.set("X-CSRF-Token", csrfToken);
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && !new URL(request.url).pathname.startsWith("/api/v1/auth/")) {
      unauthorized.forEach((f) => f());
    }
    return response;
  },
};

/** The client. Prefer `call(api.GET(...))` to get data or an ApiError. */
export const api = createClient<ApiPaths>({
  baseUrl: "/",
  credentials: "same-origin",
  // ':' is legal in a path segment; keep it literal in `user:alice` and
  // `sha256:...` (the API's pattern check sees the raw segment).
  pathSerializer: (path, params) => defaultPathSerializer(path, params).replace(/%3A/gi, ":"),
});
api.use(session);

type Result<T> = { data?: T; error?: unknown; response: Response };

/** Turns an openapi-fetch result into its data, or throws an ApiError. */
export async function call<T>(p: Promise<Result<T>>): Promise<T> {
  const { data, error, response } = await p;
  if (response.ok) return data as T;
  throw toApiError(response, error);
}

function toApiError(response: Response, body: unknown): ApiError {
  if (body && typeof body === "object" && "status" in body) {
    const pr = body as Problem;
    return new ApiError(response.status, pr.detail || pr.title || `HTTP ${response.status}`, pr);
  }
  const text = typeof body === "string" ? body.trim() : "";
  const fallback =
    response.status === 404 ? "This API is not available on this server yet (404)." : `HTTP ${response.status} ${response.statusText}`;
  return new ApiError(response.status, text && text.length < 200 && response.status !== 404 ? text : fallback);
}

/** Raw fetch for the protocol endpoints (uploads), with the session's CSRF header. */
export async function rawFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("X-Requested-With", "XMLHttpRequest");
  if (csrfToken && unsafe.has((init.method || "GET").toUpperCase())) headers.set("X-CSRF-Token", csrfToken);
  const response = await fetch(url, { credentials: "same-origin", ...init, headers });
  if (!response.ok) {
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* plain text */
    }
    throw toApiError(response, body);
  }
  return response;
}
