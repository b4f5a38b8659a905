package api

// Listings page with limit/offset; every page carries the total. The spec
// bounds both (limit 1-500, offset >= 0); absent values take these.
const defaultPageSize = 50

// page resolves optional limit and offset parameters.
func page(limit, offset *int) (lim, off int32) {
	lim = defaultPageSize
	if limit != nil {
		lim = int32(min(max(*limit, 1), 500))
	}
	if offset != nil && *offset > 0 {
		off = int32(min(*offset, 1<<30))
	}
	return lim, off
}

// pageOf cuts one page out of a list the service returns whole (lists that
// stay small: a principal's tokens, service accounts, a repository's
// grants, an image's tags), so that every listing answers in the same
// {items, total, limit, offset} shape.
func pageOf[T any](all []T, limit, offset *int) (items []T, total int64, lim, off int) {
	l, o := page(limit, offset)
	lim, off = int(l), int(o)
	total = int64(len(all))
	lo := min(off, len(all))
	hi := min(lo+lim, len(all))
	return all[lo:hi], total, lim, off
}
