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
