package blob_test

import (
	"context"
	"io"
	"testing"

	"github.com/kodera-packages/kodera/internal/blob"
	"github.com/kodera-packages/kodera/internal/blob/blobtest"
)

// patternReader yields n bytes of a cheap non-constant pattern, so the
// benchmark measures the store and not a random generator.
type patternReader struct{ n, off int64 }

func (p *patternReader) Read(b []byte) (int, error) {
	if p.off >= p.n {
		return 0, io.EOF
	}
	if rem := p.n - p.off; int64(len(b)) > rem {
		b = b[:rem]
	}
	for i := range b {
		b[i] = byte((p.off + int64(i)) * 31 >> 3)
	}
	p.off += int64(len(b))
	return len(b), nil
}

func benchStore(b *testing.B, d blob.Driver, size int64) {
	s := blob.NewStore(d)
	ctx := context.Background()
	b.Run("Ingest", func(b *testing.B) {
		b.SetBytes(size)
		for i := 0; b.Loop(); i++ {
			// A different first byte per iteration defeats dedup.
			r := &patternReader{n: size, off: int64(i)}
			obj, err := s.Ingest(ctx, io.LimitReader(r, size), -1, blob.IngestOptions{ExpectSize: -1})
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			_ = s.Delete(ctx, obj.Key)
			b.StartTimer()
		}
	})
	b.Run("Open", func(b *testing.B) {
		obj, err := s.Ingest(ctx, &patternReader{n: size}, size, blob.IngestOptions{ExpectSize: size})
		if err != nil {
			b.Fatal(err)
		}
		buf := make([]byte, 256<<10)
		b.SetBytes(size)
		for b.Loop() {
			rc, err := s.Open(ctx, obj.Key, 0, -1)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.CopyBuffer(io.Discard, rc, buf); err != nil {
				b.Fatal(err)
			}
			rc.Close()
		}
	})
}

func BenchmarkFS64MiB(b *testing.B) {
	d, err := blob.NewFS(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	benchStore(b, d, 64<<20)
}

func BenchmarkS364MiB(b *testing.B) {
	cfg := blobtest.StartS3(b)
	d, err := blob.NewS3(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	benchStore(b, d, 64<<20)
}
