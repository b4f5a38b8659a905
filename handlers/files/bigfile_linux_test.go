//go:build linux

package files_test

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/app/apptest"
)

const (
	bigSize      = 2 << 30  // 2 GiB
	maxRSSGrowth = 64 << 20 // what a 2 GiB transfer may add to the server's peak RSS
)

// TestBigFileMemory streams a 2 GiB file up (Content-Length) and down
// (curl) through a kodera server running as its own process, and measures
// that process's memory from /proc/<pid>/status: after a warm-up request
// the peak (VmHWM) is reset through /proc/<pid>/clear_refs, and the peak
// after both transfers may exceed the resident size before them by at most
// 64 MiB. A separate process keeps the test's own buffers, the data
// generator and the client out of the figure. The data is generated on the
// fly; only the server's stored copy touches the disk, in a temporary
// directory.
func TestBigFileMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("2 GiB transfer skipped in -short mode")
	}
	t.Parallel()
	var st syscall.Statfs_t
	require.NoError(t, syscall.Statfs(os.TempDir(), &st))
	if free := int64(st.Bavail) * st.Bsize; free < bigSize+bigSize/4 {
		t.Fatalf("%s has %d MiB free; the 2 GiB test needs 2.5 GiB (set TMPDIR elsewhere)", os.TempDir(), free>>20)
	}
	srv := apptest.StartProcess(t, apptest.ProcessOptions{})
	seed := (&apptest.Node{DBURL: srv.DBURL}).Seed(t)
	seed.User("alice", alicePassword, false)
	seed.Repo("big", "files", "private", "alice")
	token := seed.Token("alice", false, []string{"read", "write"})
	fileURL := srv.URL + "/api/files/big/huge.bin"

	// Warm up: pools, connections and code paths a first request creates.
	put := func(body io.Reader, size int64, path string) {
		req, err := http.NewRequest(http.MethodPut, srv.URL+"/api/files/big/"+path, body)
		require.NoError(t, err)
		req.ContentLength = size
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, http.StatusCreated, resp.StatusCode, string(b))
	}
	put(strings.NewReader(strings.Repeat("w", 1<<20)), 1<<20, "warm.bin")
	_, err := run(t, t.TempDir(), "curl", "-sSf", "-H", "Authorization: Bearer "+token, "-o", "/dev/null", srv.URL+"/api/files/big/warm.bin")
	require.NoError(t, err)

	before := srv.Memory(t)
	if !srv.ResetPeak() {
		// Without the reset the peak still holds start-up's, so the
		// growth below can only be overstated.
		t.Logf("cannot reset VmHWM: measuring against the start-up peak")
	}
	reset := srv.Memory(t)
	t.Logf("server before: VmRSS %d MiB, VmHWM %d MiB, after reset %d MiB", before["VmRSS"]>>20, before["VmHWM"]>>20, reset["VmHWM"]>>20)

	// Upload 2 GiB of pseudo-random data, hashing it on the way out.
	gen := &generator{r: rand.NewChaCha8([32]byte{1}), left: bigSize, h: sha256.New()}
	start := time.Now()
	put(bufio.NewReaderSize(gen, 1<<20), bigSize, "huge.bin")
	up := time.Since(start)
	want := hex.EncodeToString(gen.h.Sum(nil))

	// Download with curl into a hash.
	start = time.Now()
	cmd := exec.Command("curl", "-sSf", "-H", "Authorization: Bearer "+token, fileURL)
	h := sha256.New()
	counter := &countWriter{w: h}
	cmd.Stdout = counter
	require.NoError(t, cmd.Run())
	down := time.Since(start)
	require.Equal(t, int64(bigSize), counter.n)
	require.Equal(t, want, hex.EncodeToString(h.Sum(nil)))

	after := srv.Memory(t)
	growth := after["VmHWM"] - before["VmRSS"]
	t.Logf("2 GiB PUT %.0f MB/s, GET %.0f MB/s; server VmRSS before %d MiB, after %d MiB, peak during %d MiB: growth %.1f MiB",
		bigSize/up.Seconds()/1e6, bigSize/down.Seconds()/1e6, before["VmRSS"]>>20, after["VmRSS"]>>20, after["VmHWM"]>>20, float64(growth)/(1<<20))
	require.LessOrEqual(t, growth, int64(maxRSSGrowth), "server RSS grew by %d MiB", growth>>20)
}

// generator yields left pseudo-random bytes, hashing what it yields.
type generator struct {
	r    io.Reader
	left int64
	h    hash.Hash
}

func (g *generator) Read(p []byte) (int, error) {
	if g.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > g.left {
		p = p[:g.left]
	}
	n, _ := g.r.Read(p)
	g.h.Write(p[:n])
	g.left -= int64(n)
	return n, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return c.w.Write(p)
}
