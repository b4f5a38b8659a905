package api

import (
	"slices"
	"strings"

	"github.com/kodera-packages/kodera/internal/domain"
)

// sortParam resolves a listing's sort parameter, shared by every listing:
// "key" sorts ascending, "-key" descending, absent takes def. The spec
// enumerates each listing's values and the validator refuses others; the
// check here keeps a handler from silently falling back to its default
// when the two disagree.
func sortParam[S ~string](v *S, def string, allowed ...string) (string, error) {
	s := def
	if v != nil && *v != "" {
		s = string(*v)
	}
	if !slices.Contains(allowed, s) {
		return "", domain.Errorf(domain.ErrInvalid, "unknown sort %q: use one of %s", s, strings.Join(allowed, ", "))
	}
	return s, nil
}

// byNameOrUpdated are the orders of listings of named things that change:
// repositories, images, packages, modules.
var byNameOrUpdated = []string{"name", "-name", "updated", "-updated"}
