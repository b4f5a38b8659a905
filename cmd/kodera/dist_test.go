package main

// Production packaging, checked without a container engine: the
// Dockerfile's sources exist and its exact `go build` line yields a static
// binary, compose.yaml is valid for the compose client and matches the
// install guide, and .env.example holds exactly the product's variables.

import (
	"bufio"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/kodera-packages/kodera/internal/testtool"
)

// envNames is the product's .env contract (the seed's install guide).
var envNames = []string{
	"DB_HOST", "DB_PORT", "DB_DATABASE", "DB_USERNAME", "DB_PASSWORD",
	"STORAGE_BUCKET", "STORAGE_URL", "STORAGE_AK", "STORAGE_SK",
	"ELASTICSEARCH_URL", "ELASTICSEARCH_USERNAME", "ELASTICSEARCH_PASSWORD",
	"KODERA_ADMIN_USERNAME", "KODERA_ADMIN_PASSWORD",
}

func root(t *testing.T) string {
	t.Helper()
	r, err := testtool.ModuleRoot()
	require.NoError(t, err)
	return r
}

// instruction is one Dockerfile instruction with its continuation lines joined.
type instruction struct{ op, args string }

func dockerfile(t *testing.T) []instruction {
	t.Helper()
	f, err := os.Open(filepath.Join(root(t), "Dockerfile"))
	require.NoError(t, err)
	defer f.Close()
	var out []instruction
	var cur strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if cur.Len() == 0 && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if s, ok := strings.CutSuffix(line, `\`); ok {
			cur.WriteString(s + " ")
			continue
		}
		cur.WriteString(line)
		op, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, instruction{strings.ToUpper(op), strings.TrimSpace(args)})
		cur.Reset()
	}
	require.NoError(t, sc.Err())
	return out
}

func TestDockerfile(t *testing.T) {
	t.Parallel()
	r := root(t)
	ins := dockerfile(t)
	ignored := dockerignore(t, r)

	var froms, users []string
	var health string
	for _, in := range ins {
		switch in.op {
		case "FROM":
			froms = append(froms, in.args)
		case "USER":
			users = append(users, in.args)
		case "HEALTHCHECK":
			health = in.args
		case "COPY":
			fields := strings.Fields(in.args)
			if slices.ContainsFunc(fields, func(f string) bool { return strings.HasPrefix(f, "--from=") }) {
				continue
			}
			var srcs []string
			for _, f := range fields {
				if !strings.HasPrefix(f, "--") {
					srcs = append(srcs, f)
				}
			}
			require.GreaterOrEqual(t, len(srcs), 2, "COPY %s", in.args)
			for _, src := range srcs[:len(srcs)-1] {
				_, err := os.Stat(filepath.Join(r, src))
				require.NoError(t, err, "Dockerfile copies %s, which the repository lacks", src)
				clean := strings.TrimSuffix(filepath.Clean(src), "/")
				require.False(t, ignored(clean), ".dockerignore drops %s, which the Dockerfile copies", src)
			}
		}
	}
	require.GreaterOrEqual(t, len(froms), 3, "multi-stage: ui, build, runtime")
	require.NotEmpty(t, users, "the runtime image names a USER")
	require.NotContains(t, []string{"root", "0", "0:0"}, users[len(users)-1], "the image runs as a non-root user")
	require.Contains(t, health, "healthcheck", "HEALTHCHECK probes /readyz through `kodera healthcheck`")

	// The Go stage's image must carry the go.mod's toolchain line.
	gomod, err := os.ReadFile(filepath.Join(r, "go.mod"))
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(gomod)
	require.NotNil(t, m)
	require.True(t, slices.ContainsFunc(froms, func(f string) bool { return strings.HasPrefix(f, "golang:"+string(m[1])) }),
		"a golang:%s stage builds a go %s module; stages: %v", m[1], m[1], froms)
}

// dockerignore returns a matcher for the context paths .dockerignore
// drops (plain paths and globs, which is all the file uses).
func dockerignore(t *testing.T, r string) func(string) bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(r, ".dockerignore"))
	require.NoError(t, err)
	var pats []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			pats = append(pats, strings.TrimSuffix(l, "/"))
		}
	}
	return func(p string) bool {
		for _, pat := range pats {
			if ok, _ := filepath.Match(pat, p); ok || strings.HasPrefix(p, pat+"/") {
				return true
			}
		}
		return false
	}
}

// The Dockerfile's own build command, run here: CGO off, same flags, and
// the result is a static executable that reports the stamped version.
func TestStaticBinaryBuildsLikeTheDockerfile(t *testing.T) {
	t.Parallel()
	var build string
	for _, in := range dockerfile(t) {
		if in.op == "RUN" && strings.Contains(in.args, "go build") {
			build = in.args
		}
	}
	require.Contains(t, build, "CGO_ENABLED=0", "the image's binary is static")
	out := t.TempDir()
	cmd := exec.Command("sh", "-ec", strings.ReplaceAll(build, "/out/", out+"/"))
	cmd.Dir = root(t)
	cmd.Env = append(os.Environ(), "VERSION=9.9.9-dist-test")
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", b)

	bin := filepath.Join(out, "kodera")
	f, err := elf.Open(bin)
	require.NoError(t, err)
	defer f.Close()
	for _, p := range f.Progs {
		require.NotEqual(t, elf.PT_INTERP, p.Type, "dynamically linked: the distroless static image has no libc")
		require.NotEqual(t, elf.PT_DYNAMIC, p.Type, "dynamically linked")
	}
	v, err := exec.Command(bin, "version").CombinedOutput()
	require.NoError(t, err, "%s", v)
	require.Equal(t, "kodera 9.9.9-dist-test\n", string(v), "the ldflags stamp the version")
}

// envFile parses KEY=value lines.
func envFile(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	env := map[string]string{}
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		k, v, ok := strings.Cut(l, "=")
		require.True(t, ok, "line %q is not KEY=value", l)
		env[k] = v
	}
	return env
}

func TestEnvExampleHoldsExactlyTheProductVariables(t *testing.T) {
	t.Parallel()
	env := envFile(t, filepath.Join(root(t), ".env.example"))
	var got []string
	for k := range env {
		got = append(got, k)
	}
	require.ElementsMatch(t, envNames, got)

	compose, err := os.ReadFile(filepath.Join(root(t), "compose.yaml"))
	require.NoError(t, err)
	for _, m := range regexp.MustCompile(`\$\{([A-Z0-9_]+)`).FindAllStringSubmatch(string(compose), -1) {
		require.Contains(t, env, m[1], "compose.yaml uses ${%s}, which .env.example does not define", m[1])
	}
}

// composeClient finds a compose client that needs no engine for `config`:
// the docker CLI's compose plugin or Debian's docker-compose.
func composeClient(t *testing.T) []string {
	t.Helper()
	if p, err := exec.LookPath("docker"); err == nil && exec.Command(p, "compose", "version").Run() == nil {
		return []string{p, "compose"}
	}
	p, err := exec.LookPath("docker-compose")
	require.NoError(t, err, "no compose client: apt-get install -y docker-compose (scripts/test-deps.sh does)")
	return []string{p}
}

func TestComposeConfig(t *testing.T) {
	t.Parallel()
	r := root(t)
	// A copy with .env.example as the operator's .env, as the install guide says.
	dir := t.TempDir()
	for src, dst := range map[string]string{"compose.yaml": "compose.yaml", ".env.example": ".env", "Dockerfile": "Dockerfile"} {
		b, err := os.ReadFile(filepath.Join(r, src))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, dst), b, 0o600))
	}
	client := composeClient(t)
	cmd := exec.Command(client[0], append(client[1:], "-f", "compose.yaml", "config")...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}
	out, err := cmd.Output()
	var stderr []byte
	if ee, ok := err.(*exec.ExitError); ok {
		stderr = ee.Stderr
	}
	require.NoError(t, err, "compose config: %s", stderr)

	var cfg struct {
		Services map[string]struct {
			Image       string
			Ports       []any
			Healthcheck *struct{ Test []string }
			DependsOn   map[string]struct{ Condition string } `yaml:"depends_on"`
			Volumes     []any
			Environment map[string]string
		}
		Volumes map[string]any
	}
	require.NoError(t, yaml.Unmarshal(out, &cfg), "%s", out)

	require.Equal(t, "postgres:16", cfg.Services["postgres"].Image)
	require.Contains(t, cfg.Services["minio"].Image, "minio/minio")
	require.Regexp(t, `elasticsearch:7\.17(\.\d+)?$`, cfg.Services["elasticsearch"].Image)
	for name, s := range cfg.Services {
		require.NotNil(t, s.Healthcheck, "service %s has a health check", name)
		require.NotEmpty(t, s.Healthcheck.Test, name)
	}
	require.Equal(t, []string{"CMD", "/usr/local/bin/kodera", "healthcheck"}, cfg.Services["kodera"].Healthcheck.Test)
	for _, dep := range []string{"postgres", "minio", "elasticsearch"} {
		require.Equal(t, "service_healthy", cfg.Services["kodera"].DependsOn[dep].Condition, "kodera waits for a healthy %s", dep)
		require.Contains(t, cfg.Volumes, dep, "%s keeps its data in a named volume", dep)
		require.NotEmpty(t, cfg.Services[dep].Volumes, dep)
	}
	ports, err := yaml.Marshal(cfg.Services["kodera"].Ports)
	require.NoError(t, err)
	require.Contains(t, string(ports), "8080", "kodera published on 8080")
	for _, k := range envNames {
		require.Contains(t, cfg.Services["kodera"].Environment, k, "kodera gets %s from .env", k)
	}
}
