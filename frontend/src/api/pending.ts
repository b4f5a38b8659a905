// PENDING API TYPES — hand-typed, temporary.
//
// Paths and schemas the UI already uses but spec/openapi.yaml does not (yet)
// describe: licensing. Their shapes are
// the UI's guess; the engineers building them decide. client.ts merges them
// *under* the generated types: once `go tool task gen` puts a path or schema into gen/ts/api.d.ts, the
// generated one wins automatically and the entry here is dead — delete it.
// When this file is empty, delete it and its two uses in client.ts.

type Problem = {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
};

type H = { [name: string]: unknown };
type Json<T> = { headers: H; content: { "application/json": T } };
type Empty = { headers: H; content?: never };
type Err = { headers: H; content: { "application/problem+json": Problem } };
type Params<Q, P> = [P] extends [never]
  ? { query?: Q; header?: never; path?: never; cookie?: never }
  : { query?: Q; header?: never; path: P; cookie?: never };

/** GET returning T. */
type Get<T, Q = never, P = never> = {
  parameters: Params<Q, P>;
  requestBody?: never;
  responses: { 200: Json<T>; default: Err };
};
/** POST/PUT/PATCH of a JSON body B returning T (or nothing when T is void). */
type Send<B, T, P = never> = {
  parameters: Params<never, P>;
  requestBody: { content: { "application/json": B } };
  responses: [T] extends [void] ? { 204: Empty; default: Err } : { 200: Json<T>; 201: Json<T>; default: Err };
};
type Item<G = never, PO = never, PA = never, PU = never, D = never> = {
  parameters: { query?: never; header?: never; path?: never; cookie?: never };
  get: [G] extends [never] ? never : G;
  post: [PO] extends [never] ? never : PO;
  patch: [PA] extends [never] ? never : PA;
  put: [PU] extends [never] ? never : PU;
  delete: [D] extends [never] ? never : D;
  options?: never;
  head?: never;
  trace?: never;
};

/** Paths the spec lacks, in openapi-typescript's shape. */
export interface PendingPaths {
  "/api/v1/admin/license": Item<Get<{ [key: string]: unknown }>, never, never, Send<{ key: string }, { [key: string]: unknown }>>;
}

/** Schemas the spec lacks (none left). */
export type PendingSchemas = Record<never, never>;
