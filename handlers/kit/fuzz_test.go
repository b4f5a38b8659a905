package kit

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzParseRanges holds the Range parser to what sendMultipart relies on,
// for any header and content size: either the whole content (no ranges),
// 416, or at most maxRanges non-empty ranges each inside the content and
// together no longer than it (so overlapping ranges cannot amplify a
// response). Sizes are bounded to 2^50 bytes, far above any blob, so the
// sum of 64 lengths cannot overflow int64.
func FuzzParseRanges(f *testing.F) {
	for _, s := range []struct {
		h    string
		size int64
	}{{"bytes=0-99", 100}, {"bytes=-5", 10}, {"bytes=5-", 10}, {"bytes=0-0,-1", 10}, {"bytes=0-4, 5-9", 10},
		{"bytes=0-,0-", 10}, {"bytes=9-5", 10}, {"bytes=10-", 10}, {"bytes=-0", 10}, {"items=0-1", 10},
		{"bytes=0-1,,2-3", 10}, {"bytes=+1-2", 10}, {"bytes=0-99999999999999999999", 10}, {"bytes=0-", 0}, {"BYTES = 1-2", 5}} {
		f.Add(s.h, s.size)
	}
	f.Fuzz(func(t *testing.T, h string, size int64) {
		if size < 0 {
			size = -(size + 1)
		}
		size %= 1 << 50
		rs, err := parseRanges(h, size)
		if err != nil {
			require.ErrorIs(t, err, ErrRangeNotSatisfiable)
			require.Nil(t, rs)
			return
		}
		require.LessOrEqual(t, len(rs), maxRanges)
		var sum int64
		for _, rg := range rs {
			require.GreaterOrEqual(t, rg.start, int64(0))
			require.Positive(t, rg.length)
			require.LessOrEqual(t, rg.start+rg.length, size, "range %+v of %d", rg, size)
			sum += rg.length
		}
		require.LessOrEqual(t, sum, size)
	})
}
