// PENDING API TYPES — hand-typed, temporary.
//
// Paths and schemas the UI already uses but spec/openapi.yaml does not (yet)
// describe. They mirror the identity branch's draft spec and the paths
// for the browse endpoints. client.ts merges them *under* the generated types:
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
/** A bodiless POST or a DELETE answering 204. */
type Act<P = never> = {
  parameters: Params<never, P>;
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

type Role = "admin" | "user";
type RepositoryType = "docker" | "pypi" | "go" | "files";
type Visibility = "public" | "private";
type Page = { total: number; limit: number; offset: number };

type Me = {
  kind: "user" | "service";
  username: string;
  fullName: string;
  email: string;
  roles: Role[];
  authenticatedBy?: "password" | "token" | "session";
};
type Session = { user: Me; csrfToken: string; expiresAt: string };
type TokenCreate = { name: string; expiresAt?: string; scopes?: ("read" | "write")[]; repositories?: string[] };
type Token = {
  id: number;
  name: string;
  prefix: string;
  scopes: string[];
  repositories: string[];
  createdAt: string;
  expiresAt?: string;
  lastUsedAt?: string;
};
type CreatedToken = Token & { secret: string };
type User = {
  username: string;
  fullName: string;
  email: string;
  roles: Role[];
  source: "local" | "ldap";
  disabled: boolean;
  createdAt: string;
  updatedAt?: string;
};
type UserCreate = { username: string; fullName?: string; email?: string; password: string; roles?: Role[] };
type UserUpdate = { fullName?: string; email?: string; password?: string; roles?: Role[]; disabled?: boolean };
type Settings = { guestAccess: boolean };
type ServiceAccount = {
  name: string;
  description: string;
  disabled: boolean;
  createdBy?: string;
  createdAt: string;
  tokens: number;
};
type AuditEvent = {
  id: number;
  at: string;
  actor: string;
  actorKind: "user" | "service" | "anonymous" | "system";
  action: string;
  target: string;
  success: boolean;
  remoteAddr: string;
  requestId: string;
  details: { [key: string]: unknown };
};
type Repository = {
  name: string;
  type: RepositoryType;
  description: string;
  visibility: Visibility;
  immutable: boolean;
  owner?: string;
  access?: "read" | "write" | "admin";
  createdAt: string;
  updatedAt: string;
};
type RepositoryCreate = { name: string; type: RepositoryType; description?: string; visibility?: Visibility };
type RepositoryUpdate = { description?: string; visibility?: Visibility; immutable?: boolean };
type Permission = { principal: string; level: "read" | "write" | "admin"; createdAt: string };

// Browse endpoints: shapes are a guess until the files and OCI work lands.
type FileEntry = { name: string; path: string; type: "file" | "folder"; size?: number; modifiedAt?: string };
type FileList = { path: string; items: FileEntry[] };
type FileDetails = {
  path: string;
  name: string;
  size: number;
  contentType?: string;
  sha256?: string;
  createdAt?: string;
  createdBy?: string;
};
type DockerImage = { name: string; tags?: number; updatedAt?: string };
type DockerTag = { name: string; digest: string; size?: number; mediaType?: string; createdAt?: string };
type OciDescriptor = { mediaType?: string; digest: string; size: number; annotations?: { [k: string]: string } };
type DockerManifest = {
  digest: string;
  mediaType?: string;
  size?: number;
  config?: { [key: string]: unknown };
  layers?: OciDescriptor[];
};
type SearchHit = { kind: "repository" | "package" | "file"; repository: string; name: string; path?: string; description?: string };

type Q<T> = T;
type Limit = { limit?: number; offset?: number };

/** Paths the spec lacks, in openapi-typescript's shape. */
export interface PendingPaths {
  "/api/v1/auth/login": Item<never, Send<{ username: string; password: string }, Session>>;
  "/api/v1/auth/logout": Item<never, Act>;
  "/api/v1/auth/session": Item<Get<Session>>;
  "/api/v1/me": Item<Get<Me>, never, Send<{ fullName?: string; email?: string }, Me>>;
  "/api/v1/me/password": Item<never, never, never, Send<{ currentPassword: string; newPassword: string }, void>>;
  "/api/v1/me/tokens": Item<Get<Token[]>, Send<TokenCreate, CreatedToken>>;
  "/api/v1/me/tokens/{id}": Item<never, never, never, never, Act<{ id: number }>>;
  "/api/v1/admin/users": Item<Get<Page & { items: User[] }, Q<{ q?: string } & Limit>>, Send<UserCreate, User>>;
  "/api/v1/admin/users/{username}": Item<
    Get<User, never, { username: string }>,
    never,
    Send<UserUpdate, User, { username: string }>,
    never,
    Act<{ username: string }>
  >;
  "/api/v1/admin/settings": Item<Get<Settings>, never, never, Send<Settings, Settings>>;
  "/api/v1/admin/service-accounts": Item<Get<ServiceAccount[]>, Send<{ name: string; description?: string }, ServiceAccount>>;
  "/api/v1/admin/service-accounts/{name}": Item<
    Get<ServiceAccount, never, { name: string }>,
    never,
    Send<{ description?: string; disabled?: boolean }, ServiceAccount, { name: string }>,
    never,
    Act<{ name: string }>
  >;
  "/api/v1/admin/service-accounts/{name}/tokens": Item<
    Get<Token[], never, { name: string }>,
    Send<TokenCreate, CreatedToken, { name: string }>
  >;
  "/api/v1/admin/service-accounts/{name}/tokens/{id}": Item<never, never, never, never, Act<{ name: string; id: number }>>;
  "/api/v1/admin/audit": Item<
    Get<Page & { items: AuditEvent[] }, Q<{ actor?: string; action?: string; since?: string; until?: string } & Limit>>
  >;
  "/api/v1/repositories": Item<
    Get<Page & { items: Repository[] }, Q<{ q?: string; type?: RepositoryType } & Limit>>,
    Send<RepositoryCreate, Repository>
  >;
  "/api/v1/repositories/{name}": Item<
    Get<Repository, never, { name: string }>,
    never,
    Send<RepositoryUpdate, Repository, { name: string }>,
    never,
    Act<{ name: string }>
  >;
  "/api/v1/repositories/{name}/permissions": Item<Get<Permission[], never, { name: string }>>;
  "/api/v1/repositories/{name}/files": Item<Get<FileList, { path?: string }, { name: string }>>;
  "/api/v1/repositories/{name}/files/details": Item<Get<FileDetails, { path: string }, { name: string }>>;
  "/api/v1/repositories/{name}/docker/images": Item<Get<Page & { items: DockerImage[] }, Limit, { name: string }>>;
  "/api/v1/repositories/{name}/docker/images/{image}/tags": Item<
    Get<Page & { items: DockerTag[] }, Limit, { name: string; image: string }>
  >;
  "/api/v1/repositories/{name}/docker/manifests/{digest}": Item<Get<DockerManifest, never, { name: string; digest: string }>>;
  "/api/v1/admin/license": Item<Get<{ [key: string]: unknown }>, never, never, Send<{ key: string }, { [key: string]: unknown }>>;
  "/api/v1/search": Item<Get<Page & { items: SearchHit[] }, Q<{ q: string } & Limit>>>;
}

/** Schemas the spec lacks. */
export interface PendingSchemas {
  Problem: Problem;
  Me: Me;
  Session: Session;
  Role: Role;
  Token: Token;
  CreatedToken: CreatedToken;
  TokenCreate: TokenCreate;
  User: User;
  UserCreate: UserCreate;
  UserUpdate: UserUpdate;
  Settings: Settings;
  ServiceAccount: ServiceAccount;
  AuditEvent: AuditEvent;
  Repository: Repository;
  RepositoryType: RepositoryType;
  Visibility: Visibility;
  RepositoryCreate: RepositoryCreate;
  Permission: Permission;
  FileEntry: FileEntry;
  FileList: FileList;
  FileDetails: FileDetails;
  DockerImage: DockerImage;
  DockerTag: DockerTag;
  DockerManifest: DockerManifest;
  OciDescriptor: OciDescriptor;
  SearchHit: SearchHit;
}
