package goproxy

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/module"

	"github.com/kodera-packages/kodera/internal/domain"
)

// FuzzParse holds the GOPROXY URL parser to the module proxy protocol's
// case-encoding on any path: a rejection is ErrInvalid or ErrNotFound (a
// plain-text 400/404, never a 500); an accepted module path passes
// module.CheckPath and escapes back to exactly the bytes of the URL, and an
// accepted version escapes back to its URL element, so two spellings can
// never name one module (or one module two cache entries).
func FuzzParse(f *testing.F) {
	for _, s := range []string{Prefix + "r/example.com/lib/@v/list", Prefix + "r/github.com/!azure/sdk/@v/v1.0.0.info",
		Prefix + "r/example.com/!a!b!c/v2/@v/v2.0.0-!r!c.1.mod", Prefix + "r/example.com/m/@v/v1.0.0+incompatible.zip",
		Prefix + "r/example.com/!m/@latest", Prefix + "r/sumdb/sum.golang.org/supported", Prefix + "r/example.com/Lib/@v/list",
		Prefix + "r/example.com/!!x/@v/list", Prefix + "r/x/@v/v1.0.0-RC.info", Prefix, Prefix + "r/a/@v/../x.zip",
		Prefix + "r/example.com/a\x00b/@v/list", Prefix + "r/example.com/lib/@v/@v/v1.0.0.mod", "/other"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		req, err := parse(p)
		if err != nil {
			require.True(t, errors.Is(err, domain.ErrInvalid) || errors.Is(err, domain.ErrNotFound), "%v", err)
			return
		}
		require.True(t, strings.HasPrefix(p, Prefix))
		require.NotEmpty(t, req.repoName)
		require.NotContains(t, req.repoName, "/")
		if req.kind == kindSumDB {
			return
		}
		require.NoError(t, module.CheckPath(req.module))
		esc, err := module.EscapePath(req.module)
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(p, Prefix+req.repoName+"/"+esc+"/@"), "%q escapes to %q", req.module, esc)
		switch req.kind {
		case kindInfo, kindMod, kindZip:
			ev, err := module.EscapeVersion(req.version)
			require.NoError(t, err)
			ext := map[kind]string{kindInfo: ".info", kindMod: ".mod", kindZip: ".zip"}[req.kind]
			require.Equal(t, Prefix+req.repoName+"/"+esc+"/@v/"+ev+ext, p)
		case kindList:
			require.Equal(t, Prefix+req.repoName+"/"+esc+"/@v/list", p)
		case kindLatest:
			require.Equal(t, Prefix+req.repoName+"/"+esc+"/@latest", p)
		}
	})
}
