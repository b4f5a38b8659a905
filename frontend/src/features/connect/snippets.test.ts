import { describe, expect, it } from "vitest";
import {
  curlSnippets,
  dockerSnippets,
  gitSnippets,
  goSnippets,
  helmSnippets,
  netrcLines,
  pipSnippets,
  podmanSnippets,
  shellQuote,
  snippetsFor,
  twineSnippets,
  uvSnippets,
  wgetSnippets,
  type ClientSnippets,
  type ConnectInput,
} from "./snippets";

const httpPort: ConnectInput = { baseUrl: "http://kodera.example:8080", repository: "team", type: "docker", username: "alice" };
const https: ConnectInput = { ...httpPort, baseUrl: "https://kodera.example" };

/** Every block's text of a tab, joined: what a user could paste. */
function all(s: ClientSnippets): string {
  return [...s.setup, ...s.pull, ...s.push].map((b) => b.code).join("\n");
}

describe("shellQuote", () => {
  it("leaves safe words bare and single-quotes the rest", () => {
    expect(shellQuote("kodera.example:8080/team/app:1.0")).toBe("kodera.example:8080/team/app:1.0");
    expect(shellQuote("<token>")).toBe("'<token>'");
    expect(shellQuote("a b")).toBe("'a b'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote("$(rm -rf ~)")).toBe("'$(rm -rf ~)'");
    expect(shellQuote("")).toBe("''");
  });
});

describe("docker", () => {
  it("over http with a port: host with port, insecure-registries hint, prompt for the password", () => {
    const s = dockerSnippets(httpPort);
    expect(s.setup[0].code).toBe('{ "insecure-registries": ["kodera.example:8080"] }');
    expect(s.setup[1].code).toBe("docker login kodera.example:8080 -u alice");
    expect(s.pull[0].code).toBe("docker pull kodera.example:8080/team/my-image:1.0");
    expect(s.push[0].code).toBe("docker tag my-image:latest kodera.example:8080/team/my-image:1.0\ndocker push kodera.example:8080/team/my-image:1.0");
  });

  it("over https: no hint, no scheme in the host; a token goes through --password-stdin", () => {
    const s = dockerSnippets({ ...https, secret: "kdr_s3cr'et", image: "tools/app", tag: "2.1" });
    expect(all(s)).not.toContain("insecure");
    expect(s.setup).toHaveLength(1);
    expect(s.setup[0].code).toBe(`printf '%s' 'kdr_s3cr'\\''et' | docker login kodera.example -u alice --password-stdin`);
    expect(s.pull[0].code).toBe("docker pull kodera.example/team/tools/app:2.1");
  });

  it("an explicit default port disappears, as in the URL", () => {
    expect(dockerSnippets({ ...https, baseUrl: "https://kodera.example:443/" }).pull[0].code).toBe("docker pull kodera.example/team/my-image:1.0");
  });

  it("a base under a path: the registry stays at the host's root", () => {
    const s = dockerSnippets({ ...https, baseUrl: "https://corp.example/kodera/" });
    expect(s.pull[0].code).toBe("docker pull corp.example/team/my-image:1.0");
    expect(s.setup[0].code).toContain("https://corp.example/v2/");
  });

  it("an anonymous visitor gets a user placeholder, quoted", () => {
    expect(dockerSnippets({ ...https, username: undefined }).setup[0].code).toBe("docker login kodera.example -u '<username>'");
  });
});

describe("podman and helm", () => {
  it("podman: --tls-verify=false only over http", () => {
    expect(podmanSnippets(httpPort).pull[0].code).toBe("podman pull --tls-verify=false kodera.example:8080/team/my-image:1.0");
    expect(all(podmanSnippets(https))).not.toContain("tls-verify");
  });

  it("helm: oci:// with --plain-http over http", () => {
    const s = helmSnippets({ ...httpPort, chart: "web", chartVersion: "1.2.3" });
    expect(s.setup[0].code).toBe("helm registry login kodera.example:8080 --plain-http -u alice");
    expect(s.push[0].code).toBe("helm package ./web\nhelm push web-1.2.3.tgz oci://kodera.example:8080/team --plain-http");
    expect(s.pull[0].code).toBe("helm pull oci://kodera.example:8080/team/web --version 1.2.3 --plain-http");
    expect(all(helmSnippets(https))).not.toContain("plain-http");
  });
});

describe("python", () => {
  const py: ConnectInput = { ...httpPort, type: "pypi", repository: "py" };

  it("pip over http: trusted-host is the host without port; the password is asked for", () => {
    const s = pipSnippets(py);
    expect(s.pull[0].code).toBe("pip install --index-url http://alice@kodera.example:8080/api/python/py/simple/ --trusted-host kodera.example my-package");
    expect(s.setup[0].code).toBe("[global]\nindex-url = http://alice:<token>@kodera.example:8080/api/python/py/simple/\ntrusted-host = kodera.example");
  });

  it("pip with a token: credentials URL-encoded in the URL (which then needs no shell quotes)", () => {
    const s = pipSnippets({ ...py, baseUrl: "https://kodera.example", username: "bob@corp", secret: "a/b+c?d" });
    expect(s.pull[0].code).toBe("pip install --index-url https://bob%40corp:a%2Fb%2Bc%3Fd@kodera.example/api/python/py/simple/ my-package");
    expect(s.setup[0].code).not.toContain("trusted-host");
  });

  it("twine: .pypirc and --repository-url at the upload root", () => {
    const s = twineSnippets({ ...py, baseUrl: "https://corp.example/kodera" });
    expect(s.setup[0].code).toBe(
      "[distutils]\nindex-servers = kodera-py\n\n[kodera-py]\nrepository = https://corp.example/kodera/api/python/py/\nusername = alice\npassword = <token>",
    );
    expect(s.push[0].code).toContain("twine upload --repository-url https://corp.example/kodera/api/python/py/ -u alice dist/*");
    const t = twineSnippets({ ...py, secret: "tok" });
    expect(t.push[0].code).toContain("-u alice -p tok dist/*");
    expect(t.setup[0].code).toContain("password = tok");
  });

  it("uv: --index-url and --publish-url", () => {
    const s = uvSnippets({ ...py, secret: "tok" });
    expect(s.pull[0].code).toBe("uv pip install --index-url http://alice:tok@kodera.example:8080/api/python/py/simple/ my-package");
    expect(s.push[0].code).toBe("uv build\nuv publish --publish-url http://kodera.example:8080/api/python/py/ --username alice --password tok");
  });
});

describe("go and git", () => {
  const go: ConnectInput = { ...httpPort, type: "go", repository: "mods", module: "corp.example/lib", version: "v1.2.0" };

  it("GOPROXY, GONOSUMDB (never GOPRIVATE as a setting), GOFLAGS", () => {
    const code = goSnippets({ ...go, baseUrl: "https://kodera.example" }).pull[0].code;
    expect(code).toContain("export GOPROXY=https://kodera.example/api/go/mods ");
    expect(code).toContain("export GONOSUMDB=corp.example/lib ");
    expect(code).toContain("export GOFLAGS=-mod=mod");
    expect(code).not.toMatch(/GOPRIVATE=/);
    expect(code).toContain("go get corp.example/lib@v1.2.0");
  });

  it("over plain http: no credentials in GOPROXY (the go command refuses them) and a warning", () => {
    const code = goSnippets({ ...go, secret: "tok" }).pull[0].code;
    expect(code).toContain("export GOPROXY=http://kodera.example:8080/api/go/mods ");
    expect(code).not.toContain("tok");
    expect(code.split("\n")[0]).toMatch(/^# plain HTTP: .*public repositories only/);
    expect(goSnippets({ ...go, baseUrl: "https://kodera.example" }).pull[0].code).not.toContain("plain HTTP");
  });

  it(".netrc: host without port, plus host:port when there is a port", () => {
    expect(netrcLines({ ...go, secret: "tok" })).toBe("machine kodera.example login alice password tok\nmachine kodera.example:8080 login alice password tok");
    expect(netrcLines({ ...go, baseUrl: "https://kodera.example" })).toBe("machine kodera.example login alice password <token>");
  });

  it("git: remote under /git/<repo>/<module>.git, push of a tag; a path prefix kept", () => {
    const s = gitSnippets({ ...go, baseUrl: "https://corp.example/kodera" });
    expect(s.push[0].code).toBe("git remote add kodera https://corp.example/kodera/git/mods/corp.example/lib.git\ngit tag v1.2.0\ngit push kodera v1.2.0");
    expect(s.pull[0].code).toBe("git clone https://corp.example/kodera/git/mods/corp.example/lib.git");
    expect(goSnippets(go).push[0].code).toContain("git remote add kodera http://kodera.example:8080/git/mods/corp.example/lib.git");
  });
});

describe("files", () => {
  const f: ConnectInput = { ...httpPort, type: "files", repository: "dist", path: "releases/v1/my app (final).tar.gz" };

  it("curl: path segments URL-encoded, the URL shell-quoted, prompt without a token", () => {
    const s = curlSnippets(f);
    const url = "'http://kodera.example:8080/api/files/dist/releases/v1/my%20app%20(final).tar.gz'";
    expect(s.pull[0].code).toBe(`curl -fL -u alice -o 'my app (final).tar.gz' ${url}`);
    expect(s.push[0].code).toBe(`curl -f -u alice -T './my app (final).tar.gz' ${url}`);
  });

  it("curl with a token: user:token in -u", () => {
    expect(curlSnippets({ ...f, path: "a.txt", secret: "tok" }).pull[0].code).toBe(
      "curl -fL -u alice:tok -o a.txt http://kodera.example:8080/api/files/dist/a.txt",
    );
  });

  it("wget: GET and PUT, --ask-password without a token", () => {
    const s = wgetSnippets({ ...f, path: "a.txt", baseUrl: "https://kodera.example/pkgs" });
    expect(s.pull[0].code).toBe("wget --user=alice --ask-password -O a.txt https://kodera.example/pkgs/api/files/dist/a.txt");
    expect(s.push[0].code).toBe(
      "wget --user=alice --ask-password --auth-no-challenge --method=PUT --body-file=./a.txt -O - https://kodera.example/pkgs/api/files/dist/a.txt",
    );
  });
});

describe("snippetsFor", () => {
  it("offers the clients of the repository's type", () => {
    const ids = (type: ConnectInput["type"]) => snippetsFor({ ...https, type }).map((s) => s.id);
    expect(ids("docker")).toEqual(["docker", "podman", "helm"]);
    expect(ids("pypi")).toEqual(["pip", "twine", "uv"]);
    expect(ids("go")).toEqual(["go", "git"]);
    expect(ids("files")).toEqual(["curl", "wget"]);
  });

  it("never leaks a placeholder when a token is given (except user-less text)", () => {
    for (const type of ["docker", "pypi", "go", "files"] as const) {
      for (const s of snippetsFor({ ...https, type, secret: "tok" })) expect(all(s)).not.toContain("<token>");
    }
  });
});
