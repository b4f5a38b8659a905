package kit

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzParseRanges holds the Range parser to what sendMultipart relies on,
// for any header and content size: either the whole content (no ranges),
// 416, or at most maxRanges non-empty ranges each inside the content and
// together no longer than it (so overlapping ranges cannot amplify a
// response), whatever the size: "bytes=0-,0-" against a size near
// MaxInt64 once overflowed the sum and passed (found writing this target).
func FuzzParseRanges(f *testing.F) {
	for _, s := range []struct {
		h    string
		size int64
	}{{"bytes=0-99", 100}, {"bytes=-5", 10}, {"bytes=5-", 10}, {"bytes=0-0,-1", 10}, {"bytes=0-4, 5-9", 10},
		{"bytes=0-,0-", 10}, {"bytes=9-5", 10}, {"bytes=10-", 10}, {"bytes=-0", 10}, {"items=0-1", 10},
		{"bytes=0-1,,2-3", 10}, {"bytes=+1-2", 10}, {"bytes=0-99999999999999999999", 10}, {"bytes=0-", 0}, {"BYTES = 1-2", 5},
		{"bytes=0-,0-", math.MaxInt64}, {"bytes=-9223372036854775807,0-", math.MaxInt64}} {
		f.Add(s.h, s.size)
	}
	f.Fuzz(func(t *testing.T, h string, size int64) {
		if size < 0 {
			size = -(size + 1)
		}
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
			require.LessOrEqual(t, rg.length, size-sum, "ranges %+v add up to more than %d", rs, size)
			sum += rg.length
		}
	})
}

// TestParseRangesSumCannotOverflow: two whole-content ranges of a content
// near MaxInt64 bytes overlap; the sum check must see it rather than wrap
// negative and serve both.
func TestParseRangesSumCannotOverflow(t *testing.T) {
	t.Parallel()
	rs, err := parseRanges("bytes=0-,0-", math.MaxInt64)
	require.NoError(t, err)
	require.Nil(t, rs, "overlapping ranges: the whole content, once")
	rs, err = parseRanges("bytes=0-,0-", 10)
	require.NoError(t, err)
	require.Nil(t, rs)
	rs, err = parseRanges("bytes=0-4,5-", 10)
	require.NoError(t, err)
	require.Equal(t, []byteRange{{0, 5}, {5, 5}}, rs)
}
