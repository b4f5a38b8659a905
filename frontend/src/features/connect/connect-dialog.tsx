// The Connect dialog: real commands for a repository's type, with this
// server's address and the repository's name filled in.
import type { Repository } from "../../api/client";
import { useAuth } from "../../api/session";
import { Link } from "../../ui/router-compat";
import { Code, Dialog } from "../../ui/legacy";

export function connectCommands(repo: Pick<Repository, "name" | "type">, user: string, loc: { host: string; origin: string; protocol: string }) {
  const { host, origin } = loc;
  const r = repo.name;
  const insecure = loc.protocol === "http:";
  const u = user || "<username>";
  switch (repo.type) {
    case "docker":
      return [
        { title: "Log in (password: a personal token)", text: `docker login ${host} -u ${u}` },
        { title: "Push an image", text: `docker tag my-image:1.0 ${host}/${r}/my-image:1.0\ndocker push ${host}/${r}/my-image:1.0` },
        { title: "Pull an image", text: `docker pull ${host}/${r}/my-image:1.0` },
        {
          title: "Helm charts (OCI)",
          text: `helm registry login ${host} -u ${u}${insecure ? " --insecure" : ""}\nhelm push my-chart-0.1.0.tgz oci://${host}/${r}${insecure ? " --plain-http" : ""}\nhelm pull oci://${host}/${r}/my-chart --version 0.1.0${insecure ? " --plain-http" : ""}`,
        },
        ...(insecure
          ? [
              {
                title: "This server speaks plain HTTP: allow it in /etc/docker/daemon.json, then restart docker",
                text: `{ "insecure-registries": ["${host}"] }`,
              },
            ]
          : []),
      ];
    case "pypi":
      return [
        {
          title: "Install a package",
          text: `pip install --index-url ${origin}/api/python/${r}/simple/${insecure ? ` --trusted-host ${loc.host.split(":")[0]}` : ""} my-package`,
        },
        {
          title: "Or set it for good in pip.conf",
          text: `[global]\nindex-url = ${origin}/api/python/${r}/simple/${insecure ? `\ntrusted-host = ${loc.host.split(":")[0]}` : ""}`,
        },
        { title: "Upload (password: a personal token)", text: `twine upload --repository-url ${origin}/api/python/${r}/ -u ${u} dist/*` },
      ];
    case "go":
      return [
        {
          title: "Download modules",
          text: `export GOPROXY=${origin}/api/go/${r}/\nexport GONOSUMDB=example.com/*   # your modules' path prefix\ngo get example.com/my-module@v1.0.0`,
        },
        {
          // git (curl) matches the host without its port, the go command the
          // host with it, and only over https.
          title: "Credentials (~/.netrc; password: a personal token)",
          text: `machine ${loc.host.split(":")[0]} login ${u} password <token>${loc.host.includes(":") ? `\nmachine ${loc.host} login ${u} password <token>` : ""}`,
        },
        {
          title: "Publish a version: push a tag",
          text: `git remote add kodera ${origin}/git/${r}/example.com/my-module.git\ngit tag v1.0.0\ngit push kodera main v1.0.0`,
        },
      ];
    case "files":
    default:
      return [
        { title: "Upload a file", text: `curl -u ${u}:<token> -T ./file.tar.gz ${origin}/api/files/${r}/path/file.tar.gz` },
        { title: "Download a file", text: `curl -u ${u}:<token> -O ${origin}/api/files/${r}/path/file.tar.gz` },
        { title: "Delete a file", text: `curl -u ${u}:<token> -X DELETE ${origin}/api/files/${r}/path/file.tar.gz` },
      ];
  }
}

export function ConnectDialog({ repo, onClose }: { repo: Repository; onClose: () => void }) {
  const { user } = useAuth();
  const cmds = connectCommands(repo, user?.username ?? "", window.location);
  return (
    <Dialog title={`Connect to ${repo.name}`} onClose={onClose} wide>
      <p className="muted">
        Tools authenticate with a personal token
        {user ? (
          <>
            {" "}
            (<Link to="/profile">Profile › Personal tokens</Link>)
          </>
        ) : null}{" "}
        in place of a password.{repo.visibility === "public" ? " Reading this public repository needs no credentials." : ""}
      </p>
      {cmds.map((c) => (
        <section key={c.title} className="connect">
          <h3>{c.title}</h3>
          <Code text={c.text} />
        </section>
      ))}
    </Dialog>
  );
}
