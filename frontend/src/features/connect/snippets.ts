// The Connect snippets: for each client, the commands and files a user
// pastes to read from (Pull/Install) and write to (Push/Publish) one
// repository of this server. Pure functions of ConnectInput, so the text is
// unit-tested without a DOM; the dialog only lays them out.
//
// The URL map is docs/architecture.md's: the OCI registry at <host>/v2/
// (always at the host's root: docker and helm ignore any path), pip/twine/uv
// at <base>/api/python/<repo>/, GOPROXY at <base>/api/go/<repo>, git at
// <base>/git/<repo>/<module>.git, raw files at <base>/api/files/<repo>/<path>.
// <base> is system/info's baseUrl (KODERA_BASE_URL), which may carry a path
// when a reverse proxy mounts the server below one.

/** The repository types the server knows (spec: RepositoryType). */
export type RepoType = "docker" | "pypi" | "go" | "files";

/** What every snippet is made of. */
export interface ConnectInput {
  /** system/info's baseUrl, e.g. "http://kodera.example:8080". */
  baseUrl: string;
  repository: string;
  type: RepoType;
  /** The signed-in user's name; absent for an anonymous visitor. */
  username?: string;
  /** A token to substitute; without it, a placeholder or a prompt. */
  secret?: string;
  /** docker/podman: the image path below the repository. */
  image?: string;
  tag?: string;
  /** helm: the chart's name and version. */
  chart?: string;
  chartVersion?: string;
  /** pip/twine/uv: the distribution's name. */
  package?: string;
  /** go/git: the module path, and the version tag to publish. */
  module?: string;
  version?: string;
  /** curl/wget: the file's path below the repository. */
  path?: string;
}

/** One copyable block: a command list or a file's content. */
export interface Block {
  title: string;
  /** The text to copy, exactly. */
  code: string;
  /** Where the text goes when it is a file (e.g. "~/.netrc"). */
  file?: string;
}

/** What a client's tab shows. */
export interface ClientSnippets {
  id: ClientId;
  label: string;
  /** Set-up to do once (login, credentials, insecure-registry hint). */
  setup: Block[];
  pull: Block[];
  push: Block[];
}

export type ClientId = "docker" | "podman" | "helm" | "pip" | "twine" | "uv" | "go" | "git" | "curl" | "wget";

/** Placeholders shown when no token or user name is known. */
export const TOKEN_PLACEHOLDER = "<token>";
export const USER_PLACEHOLDER = "<username>";

/** The parts of the base URL every snippet needs. */
interface Base {
  /** scheme://host[:port][/prefix], no trailing slash. */
  root: string;
  scheme: "http" | "https";
  /** host[:port] as the URL spells it (the default port dropped). */
  host: string;
  /** host without the port. */
  hostname: string;
  /** Whether an explicit port is part of host. */
  hasPort: boolean;
  /** The path prefix ("" or "/kodera"). */
  prefix: string;
  plain: boolean;
}

function parseBase(baseUrl: string): Base {
  const u = new URL(baseUrl);
  const scheme = u.protocol === "https:" ? "https" : "http";
  const prefix = u.pathname.replace(/\/+$/, "");
  return {
    root: `${scheme}://${u.host}${prefix}`,
    scheme,
    host: u.host,
    hostname: u.hostname,
    hasPort: u.port !== "",
    prefix,
    plain: scheme === "http",
  };
}

/**
 * Quotes s for a POSIX shell: left bare when every character is safe,
 * otherwise single-quoted with embedded quotes closed and escaped.
 */
export function shellQuote(s: string): string {
  if (s !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Encodes each segment of a slash-separated path for a URL. */
function encodePath(p: string): string {
  return p
    .split("/")
    .filter((s) => s !== "")
    .map(encodeURIComponent)
    .join("/");
}

function user(i: ConnectInput): string {
  return i.username || USER_PLACEHOLDER;
}

function token(i: ConnectInput): string {
  return i.secret || TOKEN_PLACEHOLDER;
}

/**
 * scheme://user:token@host/... — the user and token URL-encoded (a
 * placeholder stays readable, for the user to replace).
 */
function withCredentials(url: string, i: ConnectInput, withToken = true): string {
  const u = i.username ? encodeURIComponent(i.username) : USER_PLACEHOLDER;
  const t = i.secret ? encodeURIComponent(i.secret) : TOKEN_PLACEHOLDER;
  return url.replace("://", `://${u}${withToken ? `:${t}` : ""}@`);
}

/** A login that takes the token on stdin when we have one, else prompts. */
function login(cmd: string, i: ConnectInput): string {
  if (i.secret) return `printf '%s' ${shellQuote(i.secret)} | ${cmd} -u ${shellQuote(user(i))} --password-stdin`;
  return `${cmd} -u ${shellQuote(user(i))}`;
}

const lines = (...ls: (string | false | undefined)[]) => ls.filter((l): l is string => typeof l === "string").join("\n");

// --- containers ---------------------------------------------------------

function imageRef(i: ConnectInput, b: Base): string {
  const image = i.image || "my-image";
  return `${b.host}/${i.repository}/${image}:${i.tag || "1.0"}`;
}

/** A comment for a base under a path: the registry is at the host's root. */
function rootNote(b: Base): string | false {
  return b.prefix !== "" && `# the registry answers at ${b.scheme}://${b.host}/v2/ (not below ${b.prefix})`;
}

export function dockerSnippets(i: ConnectInput): ClientSnippets {
  const b = parseBase(i.baseUrl);
  const ref = shellQuote(imageRef(i, b));
  const setup: Block[] = [];
  if (b.plain) {
    setup.push({
      title: "This server speaks plain HTTP: allow it in /etc/docker/daemon.json, then restart docker",
      file: "/etc/docker/daemon.json",
      code: `{ "insecure-registries": [${JSON.stringify(b.host)}] }`,
    });
  }
  setup.push({ title: "Log in (password: a personal token)", code: lines(rootNote(b), login(`docker login ${shellQuote(b.host)}`, i)) });
  return {
    id: "docker",
    label: "Docker",
    setup,
    pull: [{ title: "Pull an image", code: `docker pull ${ref}` }],
    push: [{ title: "Tag and push an image", code: lines(`docker tag my-image:latest ${ref}`, `docker push ${ref}`) }],
  };
}

export function podmanSnippets(i: ConnectInput): ClientSnippets {
  const b = parseBase(i.baseUrl);
  const ref = shellQuote(imageRef(i, b));
  // --tls-verify=false is also what lets podman fall back to plain HTTP.
  const tls = b.plain ? " --tls-verify=false" : "";
  return {
    id: "podman",
    label: "Podman",
    setup: [{ title: "Log in (password: a personal token)", code: lines(rootNote(b), login(`podman login${tls} ${shellQuote(b.host)}`, i)) }],
    pull: [{ title: "Pull an image", code: `podman pull${tls} ${ref}` }],
    push: [{ title: "Tag and push an image", code: lines(`podman tag my-image:latest ${ref}`, `podman push${tls} ${ref}`) }],
  };
}

export function helmSnippets(i: ConnectInput): ClientSnippets {
  const b = parseBase(i.baseUrl);
  const plain = b.plain ? " --plain-http" : "";
  const chart = i.chart || "my-chart";
  const version = i.chartVersion || "0.1.0";
  const oci = `oci://${b.host}/${i.repository}`;
  return {
    id: "helm",
    label: "Helm",
    setup: [{ title: "Log in (password: a personal token)", code: lines(rootNote(b), login(`helm registry login ${shellQuote(b.host)}${plain}`, i)) }],
    pull: [{ title: "Pull a chart", code: `helm pull ${shellQuote(`${oci}/${chart}`)} --version ${shellQuote(version)}${plain}` }],
    push: [{ title: "Package and push a chart", code: lines(`helm package ./${chart}`, `helm push ${shellQuote(`${chart}-${version}.tgz`)} ${shellQuote(oci)}${plain}`) }],
  };
}

// --- python -------------------------------------------------------------

function pythonRoot(i: ConnectInput, b: Base): string {
  return `${b.root}/api/python/${encodeURIComponent(i.repository)}/`;
}

export function pipSnippets(i: ConnectInput): ClientSnippets {
  const b = parseBase(i.baseUrl);
  const simple = `${pythonRoot(i, b)}simple/`;
  const pkg = shellQuote(i.package || "my-package");
  // With a token the URL carries it; without, pip asks for the password of
  // the user named in the URL.
  const cmdURL = i.secret ? withCredentials(simple, i) : withCredentials(simple, i, false);
  const trusted = b.plain ? ` --trusted-host ${shellQuote(b.hostname)}` : "";
  return {
    id: "pip",
    label: "pip",
    setup: [
      {
        title: "Or for good, in pip.conf (private repositories: the credentials in the URL)",
        file: "~/.config/pip/pip.conf",
        code: lines("[global]", `index-url = ${withCredentials(simple, i)}`, b.plain && `trusted-host = ${b.hostname}`),
      },
    ],
    pull: [{ title: "Install a package", code: `pip install --index-url ${shellQuote(cmdURL)}${trusted} ${pkg}` }],
    push: [{ title: "pip does not upload: use twine or uv publish", code: `python -m build\ntwine upload --repository-url ${shellQuote(pythonRoot(i, b))} -u ${shellQuote(user(i))} dist/*` }],
  };
}

export function twineSnippets(i: ConnectInput): ClientSnippets {
  const b = parseBase(i.baseUrl);
  const upload = pythonRoot(i, b);
  const name = `kodera-${i.repository}`;
  const pass = i.secret ? ` -p ${shellQuote(i.secret)}` : "";
  return {
    id: "twine",
    label: "twine",
    setup: [
      {
        title: "Or name it once in ~/.pypirc",
        file: "~/.pypirc",
        code: lines("[distutils]", `index-servers = ${name}`, "", `[${name}]`, `repository = ${upload}`, `username = ${user(i)}`, `password = ${token(i)}`),
      },
    ],
    pull: [{ title: "Install with pip (twine only uploads)", code: `pip install --index-url ${shellQuote(`${upload}simple/`)}${b.plain ? ` --trusted-host ${shellQuote(b.hostname)}` : ""} ${shellQuote(i.package || "my-package")}` }],
    push: [
      {
        title: "Upload (password: a personal token)",
        code: lines("python -m build", `twine upload --repository-url ${shellQuote(upload)} -u ${shellQuote(user(i))}${pass} dist/*`, `# or, with ~/.pypirc: twine upload --repository ${shellQuote(name)} dist/*`),
      },
    ],
  };
}

export function uvSnippets(i: ConnectInput): ClientSnippets {
  const b = parseBase(i.baseUrl);
  const upload = pythonRoot(i, b);
  const simple = `${upload}simple/`;
  const pass = i.secret ? ` --password ${shellQuote(i.secret)}` : "";
  return {
    id: "uv",
    label: "uv",
    setup: [],
    pull: [
      {
        title: "Install a package",
        code: `uv pip install --index-url ${shellQuote(i.secret ? withCredentials(simple, i) : simple)} ${shellQuote(i.package || "my-package")}`,
      },
    ],
    push: [{ title: "Build and publish (password: a personal token)", code: lines("uv build", `uv publish --publish-url ${shellQuote(upload)} --username ${shellQuote(user(i))}${pass}`) }],
  };
}

// --- go -----------------------------------------------------------------

function gitURL(i: ConnectInput, b: Base): string {
  return `${b.root}/git/${encodeURIComponent(i.repository)}/${encodePath(i.module || "example.com/my-module")}.git`;
}

/**
 * ~/.netrc lines for the go command and git. git (libcurl) matches the host
 * without its port. The go command sends .netrc credentials only over https
 * and, since Go 1.24 (GOAUTH; cmd/go/internal/auth loadCredential matches
 * URL prefixes), only to a machine spelled "host:port" when the URL has a
 * port (golang/go#81253, open; Go 1.15–1.23 dropped the port instead,
 * golang/go#37130). Measured here against a server on a port: go1.26.8
 * (https GOPROXY) sent credentials for "machine host:port" only, git
 * 2.39 (git ls-remote) for "machine host" only. So with a port both
 * lines are written.
 */
export function netrcLines(i: ConnectInput): string {
  const b = parseBase(i.baseUrl);
  const entry = (machine: string) => `machine ${machine} login ${user(i)} password ${token(i)}`;
  return lines(entry(b.hostname), b.hasPort && entry(b.host));
}

function netrcBlock(i: ConnectInput, forGo: boolean): Block {
  const b = parseBase(i.baseUrl);
  const who = forGo && !b.plain ? "go and git" : "git";
  return { title: `Credentials for ${who} (~/.netrc, chmod 600; password: a personal token)`, file: "~/.netrc", code: netrcLines(i) };
}

function publishBlock(i: ConnectInput): Block {
  const b = parseBase(i.baseUrl);
  const version = i.version || "v1.0.0";
  return {
    title: "Publish a version: push a semver tag",
    code: lines(`git remote add kodera ${shellQuote(gitURL(i, b))}`, `git tag ${shellQuote(version)}`, `git push kodera ${shellQuote(version)}`),
  };
}

export function goSnippets(i: ConnectInput): ClientSnippets {
  const b = parseBase(i.baseUrl);
  const proxy = `${b.root}/api/go/${encodeURIComponent(i.repository)}`;
  const module = i.module || "example.com/my-module";
  // Over plain HTTP the go command sends no credentials at all: it skips
  // .netrc and refuses a GOPROXY URL with user info ("refusing to pass
  // credentials to insecure URL", go1.26.8), so only public repositories
  // can be read that way.
  return {
    id: "go",
    label: "Go",
    setup: [netrcBlock(i, true)],
    pull: [
      {
        title: "Download modules",
        code: lines(
          b.plain && "# plain HTTP: the go command sends no credentials over http, so this reads public repositories only",
          `export GOPROXY=${shellQuote(proxy)}   # append ,https://proxy.golang.org,direct for public modules`,
          `export GONOSUMDB=${shellQuote(module)}   # your modules' path prefix; not GOPRIVATE, which bypasses the proxy`,
          "export GOFLAGS=-mod=mod",
          `go get ${shellQuote(`${module}@${i.version || "v1.0.0"}`)}`,
        ),
      },
    ],
    push: [publishBlock(i)],
  };
}

export function gitSnippets(i: ConnectInput): ClientSnippets {
  const b = parseBase(i.baseUrl);
  return {
    id: "git",
    label: "git",
    setup: [netrcBlock(i, false)],
    pull: [{ title: "Clone a module's repository", code: `git clone ${shellQuote(gitURL(i, b))}` }],
    push: [publishBlock(i)],
  };
}

// --- files --------------------------------------------------------------

function fileURL(i: ConnectInput, b: Base): string {
  return `${b.root}/api/files/${encodeURIComponent(i.repository)}/${encodePath(i.path || "path/to/file.tar.gz")}`;
}

function localName(i: ConnectInput): string {
  const p = i.path || "path/to/file.tar.gz";
  return p.slice(p.lastIndexOf("/") + 1) || "file";
}

export function curlSnippets(i: ConnectInput): ClientSnippets {
  const b = parseBase(i.baseUrl);
  const url = shellQuote(fileURL(i, b));
  // Without a token, `-u user` makes curl ask for the password.
  const auth = `-u ${shellQuote(i.secret ? `${user(i)}:${i.secret}` : user(i))}`;
  return {
    id: "curl",
    label: "curl",
    setup: [],
    pull: [{ title: "Download a file", code: `curl -fL ${auth} -o ${shellQuote(localName(i))} ${url}` }],
    push: [
      {
        title: "Upload a file (PUT; password: a personal token)",
        // No delete here: a pasted block runs every line.
        code: `curl -f ${auth} -T ${shellQuote(`./${localName(i)}`)} ${url}`,
      },
    ],
  };
}

export function wgetSnippets(i: ConnectInput): ClientSnippets {
  const b = parseBase(i.baseUrl);
  const url = shellQuote(fileURL(i, b));
  const auth = `--user=${shellQuote(user(i))} ${i.secret ? `--password=${shellQuote(i.secret)}` : "--ask-password"}`;
  return {
    id: "wget",
    label: "wget",
    setup: [],
    pull: [{ title: "Download a file", code: `wget ${auth} -O ${shellQuote(localName(i))} ${url}` }],
    push: [
      {
        // --auth-no-challenge sends the credentials with the PUT itself
        // instead of sending the body twice.
        title: "Upload a file (PUT; password: a personal token)",
        code: `wget ${auth} --auth-no-challenge --method=PUT --body-file=${shellQuote(`./${localName(i)}`)} -O - ${url}`,
      },
    ],
  };
}

/** The clients offered for each repository type, in tab order. */
export const clientsByType: Record<RepoType, ((i: ConnectInput) => ClientSnippets)[]> = {
  docker: [dockerSnippets, podmanSnippets, helmSnippets],
  pypi: [pipSnippets, twineSnippets, uvSnippets],
  go: [goSnippets, gitSnippets],
  files: [curlSnippets, wgetSnippets],
};

/** Every client's snippets for the input's repository type. */
export function snippetsFor(i: ConnectInput): ClientSnippets[] {
  return (clientsByType[i.type] ?? clientsByType.files).map((f) => f(i));
}
