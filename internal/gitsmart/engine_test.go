package gitsmart_test

import (
	"bytes"
	"context"
	"crypto/sha1"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"
	"github.com/stretchr/testify/require"

	"github.com/kodera-packages/kodera/internal/domain"
	"github.com/kodera-packages/kodera/internal/gitsmart"
)

// memRepo is a go-git in-memory repository with main at c2, c2's parent c1.
func memRepo(t *testing.T) (*memory.Storage, plumbing.Hash, plumbing.Hash) {
	t.Helper()
	s := memory.NewStorage()
	put := func(o interface {
		Encode(plumbing.EncodedObject) error
	}) plumbing.Hash {
		eo := s.NewEncodedObject()
		require.NoError(t, o.Encode(eo))
		h, err := s.SetEncodedObject(eo)
		require.NoError(t, err)
		return h
	}
	blob := s.NewEncodedObject()
	blob.SetType(plumbing.BlobObject)
	bw, _ := blob.Writer()
	_, _ = bw.Write([]byte("x"))
	_ = bw.Close()
	bh, err := s.SetEncodedObject(blob)
	require.NoError(t, err)
	tree := put(&object.Tree{Entries: []object.TreeEntry{{Name: "f", Mode: filemode.Regular, Hash: bh}}})
	sig := object.Signature{Name: "T", Email: "t@e", When: time.Unix(1700000000, 0)}
	c1 := put(&object.Commit{Author: sig, Committer: sig, Message: "1\n", TreeHash: tree})
	sig.When = sig.When.Add(time.Hour)
	c2 := put(&object.Commit{Author: sig, Committer: sig, Message: "2\n", TreeHash: tree, ParentHashes: []plumbing.Hash{c1}})
	require.NoError(t, s.SetReference(plumbing.NewHashReference("refs/heads/main", c2)))
	require.NoError(t, s.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, "refs/heads/main")))
	return s, c1, c2
}

func pkts(lines ...string) string {
	var b strings.Builder
	for _, l := range lines {
		if l == "" {
			b.WriteString("0000")
			continue
		}
		fmt.Fprintf(&b, "%04x%s", len(l)+4, l)
	}
	return b.String()
}

// emptyPack is a valid packfile with no object.
func emptyPack() string {
	head := []byte("PACK\x00\x00\x00\x02\x00\x00\x00\x00")
	sum := sha1.Sum(head)
	return string(head) + string(sum[:])
}

// TestNegotiation checks the ACK/NAK lines of each multi_ack level against
// what git's upload-pack writes.
func TestNegotiation(t *testing.T) {
	t.Parallel()
	unknown := strings.Repeat("cd", 20)
	cases := []struct {
		name string
		caps string
		tail []string // after the wants' flush
		want []string // pkt-lines before the pack, if any
		pack bool
	}{
		{"detailed round", " multi_ack_detailed", []string{"have C1\n", "have " + unknown + "\n", ""}, []string{"ACK C1 common\n", "NAK\n"}, false},
		{"multi_ack round", " multi_ack", []string{"have " + unknown + "\n", "have C1\n", ""}, []string{"ACK C1 continue\n", "NAK\n"}, false},
		{"plain round", "", []string{"have C1\n", "have C1\n", ""}, []string{"ACK C1\n"}, false},
		{"plain round nothing common", "", []string{"have " + unknown + "\n", ""}, []string{"NAK\n"}, false},
		{"detailed done", " multi_ack_detailed", []string{"have C1\n", "done\n"}, []string{"ACK C1 common\n", "ACK C1\n"}, true},
		{"plain done", "", []string{"have C1\n", "done\n"}, []string{"ACK C1\n"}, true},
		{"clone", " multi_ack_detailed", []string{"done\n"}, []string{"NAK\n"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			repo, c1, c2 := memRepo(t)
			sub := func(lines []string) []string {
				out := make([]string, len(lines))
				for i, l := range lines {
					out[i] = strings.ReplaceAll(l, "C1", c1.String())
				}
				return out
			}
			req := pkts(append([]string{"want " + c2.String() + c.caps + " ofs-delta\n", ""}, sub(c.tail)...)...)
			want := pkts(sub(c.want)...)
			var out bytes.Buffer
			require.NoError(t, gitsmart.UploadPack(context.Background(), repo, strings.NewReader(req), &out, gitsmart.Options{}))
			got := out.String()
			if !c.pack {
				require.Equal(t, want, got)
				return
			}
			require.True(t, strings.HasPrefix(got, want+"PACK"), "%q", got)
		})
	}
}

// TestReceivePackChecks drives the engine over a plain go-git storer (the
// fallback without Applier) with hand-made requests.
func TestReceivePackChecks(t *testing.T) {
	t.Parallel()
	zero := plumbing.ZeroHash.String()
	unknown := strings.Repeat("ef", 20)
	cases := []struct {
		name   string
		cmd    string // old new ref
		status string
		moved  bool
	}{
		{"create at a stored commit", zero + " C2 refs/heads/dev", "ok refs/heads/dev", true},
		{"missing object", zero + " " + unknown + " refs/heads/dev", "ng refs/heads/dev missing necessary objects: " + unknown, false},
		{"not a branch or tag", zero + " C2 refs/notes/x", "ng refs/notes/x only branches (refs/heads/) and tags (refs/tags/) can be pushed", false},
		{"invalid name", zero + " C2 refs/heads/a..b", "ng refs/heads/a..b invalid ref name", false},
		// go-git's command decoder turns invalid UTF-8 into U+FFFD; the
		// engine refuses the mangled name rather than store another ref.
		{"invalid UTF-8 name", zero + " C2 refs/heads/\xff", "ng refs/heads/\uFFFD invalid ref name", false},
		{"stale old value", "C1 C1 refs/heads/main", "ng refs/heads/main stale info: the ref moved since it was read, fetch first", false},
		{"branch at a tree", zero + " TREE refs/heads/dev", "ng refs/heads/dev a branch must point at a commit", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			repo, c1, c2 := memRepo(t)
			cm, err := object.GetCommit(repo, c2)
			require.NoError(t, err)
			// Sequential ReplaceAll keeps invalid UTF-8 bytes as they are.
			r := func(s string) string {
				s = strings.ReplaceAll(s, "C1", c1.String())
				s = strings.ReplaceAll(s, "C2", c2.String())
				return strings.ReplaceAll(s, "TREE", cm.TreeHash.String())
			}
			cmd := r(c.cmd)
			body := pkts(cmd+"\x00report-status\n", "") + emptyPack()
			var out bytes.Buffer
			applied, err := gitsmart.ReceivePack(context.Background(), repo, strings.NewReader(body), &out, nil, gitsmart.Options{})
			require.NoError(t, err)
			require.Equal(t, c.moved, len(applied) == 1)
			require.Equal(t, pkts("unpack ok\n", r(c.status)+"\n", ""), out.String())
			f := strings.Fields(cmd)
			got, err := repo.Reference(plumbing.ReferenceName(f[2]))
			require.Equal(t, c.moved, err == nil && got.Hash().String() == f[1])
		})
	}

	t.Run("too large", func(t *testing.T) {
		t.Parallel()
		repo, _, c2 := memRepo(t)
		body := pkts(zero+" "+c2.String()+" refs/heads/dev\x00report-status\n", "") + emptyPack()
		var out bytes.Buffer
		applied, err := gitsmart.ReceivePack(context.Background(), repo, strings.NewReader(body), &out, nil, gitsmart.Options{MaxPushBytes: 10})
		require.NoError(t, err)
		require.Empty(t, applied)
		require.Equal(t, pkts("unpack pack exceeds the limit of 10 bytes\n", "ng refs/heads/dev unpacker error\n", ""), out.String())
	})
	t.Run("inflates too much", func(t *testing.T) {
		t.Parallel()
		repo, _, _ := memRepo(t)
		// 8 MiB of zeros packs into a few KiB: under the 1 MiB pack limit,
		// over the 4 MiB inflated one.
		src := memory.NewStorage()
		blob := src.NewEncodedObject()
		blob.SetType(plumbing.BlobObject)
		w, _ := blob.Writer()
		_, _ = w.Write(make([]byte, 8<<20))
		_ = w.Close()
		h, err := src.SetEncodedObject(blob)
		require.NoError(t, err)
		var pack bytes.Buffer
		_, err = packfile.NewEncoder(&pack, src, false).Encode([]plumbing.Hash{h}, 0)
		require.NoError(t, err)
		require.Less(t, pack.Len(), 1<<20)
		body := pkts(zero+" "+h.String()+" refs/tags/bomb\x00report-status\n", "") + pack.String()
		var out bytes.Buffer
		_, err = gitsmart.ReceivePack(context.Background(), repo, strings.NewReader(body), &out, nil, gitsmart.Options{MaxPushBytes: 1 << 20})
		require.NoError(t, err)
		require.Equal(t, pkts("unpack object of 8388608 bytes exceeds the push limit\n", "ng refs/tags/bomb unpacker error\n", ""), out.String())
	})
	t.Run("malformed command", func(t *testing.T) {
		t.Parallel()
		repo, _, _ := memRepo(t)
		_, err := gitsmart.ReceivePack(context.Background(), repo, strings.NewReader(pkts("nonsense\n", "")), &bytes.Buffer{}, nil, gitsmart.Options{})
		require.ErrorIs(t, err, domain.ErrInvalid)
	})
}
