// Package blob stores Kodera's package content: opaque objects under
// '/'-separated keys in a pluggable backend (a [Driver]), and a
// content-addressed layer on top of it (a [Store]).
//
// The layers are split so that the backends stay dumb. A driver only knows
// keys and bytes; it promises that a key shows a whole object or nothing, so
// a crashed or aborted upload is never half visible. The [Store] adds what
// the design asks of every upload: it streams the body once, hashes it as it
// goes, checks it against the digest the client claimed, and only then
// reports a key the caller may record in Postgres.
//
// The two backends commit differently, and the Store follows each one's
// cheapest safe path. The filesystem renames a finished temporary file to
// its content address (blobs/sha256/<2 hex>/<hex>), which is free. S3 has no
// rename and a server-side copy costs a second full write, so there the
// object's key (objects/<random id>) is fixed when the write starts and the
// caller records that key next to the digest; a duplicate upload is deleted,
// never copied.
//
// Errors: a missing key satisfies errors.Is(err, fs.ErrNotExist) in every
// driver, so callers never see a backend's own "not found"; the other
// failures the caller must tell apart are the sentinels below.
package blob
