// PENDING API TYPES — hand-typed, temporary.
//
// Paths and schemas the UI already uses but spec/openapi.yaml does not (yet)
// describe: browsing Docker repositories, search and
// licensing. Their shapes are the UI's guess; the engineers building them
// decide. client.ts merges them *under* the generated types:
// once `go tool task gen` puts a path or schema into gen/ts/api.d.ts, the
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
/** A DELETE answering 204. */
type Del<Q, P> = {
  parameters: Params<Q, P>;
  requestBody?: never;
  responses: { 204: Empty; default: Err };
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

type Page = { total: number; limit: number; offset: number };

// Docker browsing: copied from the OCI branch's draft spec (issue 4).
type DockerImage = { name: string; pullName: string; tagCount: number; manifestCount: number; updatedAt: string };
type DockerImagePage = Page & { items: DockerImage[] };
type DockerTag = { name: string; digest: string; mediaType: string; size: number; updatedAt: string; platforms: string[] };
type DockerPlatform = { digest: string; mediaType: string; size: number; os: string; architecture: string; variant?: string };
type DockerHistory = { created?: string; createdBy?: string; comment?: string; emptyLayer?: boolean };
type DockerImageConfig = {
  os?: string;
  architecture?: string;
  variant?: string;
  created?: string;
  author?: string;
  env?: string[];
  entrypoint?: string[];
  cmd?: string[];
  workingDir?: string;
  user?: string;
  exposedPorts?: string[];
  labels?: { [key: string]: string };
  history?: DockerHistory[];
};
type DockerLayer = { digest: string; mediaType: string; size: number; createdBy?: string };
type DockerReferrer = { digest: string; mediaType: string; artifactType?: string; size: number; annotations?: { [key: string]: string } };
type DockerManifest = {
  digest: string;
  image: string;
  mediaType: string;
  artifactType?: string;
  size: number;
  totalSize: number;
  createdAt: string;
  tags: string[];
  subject?: string;
  annotations?: { [key: string]: string };
  platforms: DockerPlatform[];
  config?: DockerImageConfig;
  layers: DockerLayer[];
  referrers: DockerReferrer[];
};
type SearchHit = { kind: "repository" | "package" | "file"; repository: string; name: string; path?: string; description?: string };

type Q<T> = T;
type Limit = { limit?: number; offset?: number };

/** Paths the spec lacks, in openapi-typescript's shape. */
export interface PendingPaths {
  "/api/v1/repositories/{name}/docker/images": Item<Get<DockerImagePage, { q?: string } & Limit, { name: string }>>;
  "/api/v1/repositories/{name}/docker/images/{image}/tags": Item<Get<DockerTag[], never, { name: string; image: string }>>;
  "/api/v1/repositories/{name}/docker/images/{image}/tags/{tag}": Item<
    never,
    never,
    never,
    never,
    Del<never, { name: string; image: string; tag: string }>
  >;
  "/api/v1/repositories/{name}/docker/manifests/{digest}": Item<
    Get<DockerManifest, { image?: string }, { name: string; digest: string }>,
    never,
    never,
    never,
    Del<{ image: string }, { name: string; digest: string }>
  >;
  "/api/v1/admin/license": Item<Get<{ [key: string]: unknown }>, never, never, Send<{ key: string }, { [key: string]: unknown }>>;
  "/api/v1/search": Item<Get<Page & { items: SearchHit[] }, Q<{ q: string } & Limit>>>;
}

/** Schemas the spec lacks. */
export interface PendingSchemas {
  DockerImage: DockerImage;
  DockerImagePage: DockerImagePage;
  DockerTag: DockerTag;
  DockerPlatform: DockerPlatform;
  DockerImageConfig: DockerImageConfig;
  DockerLayer: DockerLayer;
  DockerReferrer: DockerReferrer;
  DockerManifest: DockerManifest;
  SearchHit: SearchHit;
}
