-- name: GetManifest :one
-- GetManifest finds a manifest of an OCI name by digest.
SELECT * FROM oci_manifests WHERE repository_id = @repository_id AND image = @image AND digest = @digest;

-- name: GetManifestByTag :one
-- GetManifestByTag resolves a tag of an OCI name.
SELECT m.* FROM oci_tags t JOIN oci_manifests m ON m.id = t.manifest_id
WHERE t.repository_id = @repository_id AND t.image = @image AND t.tag = @tag;

-- name: UpsertManifest :one
-- UpsertManifest stores a manifest; pushing the same bytes again keeps the row.
-- Pushing again also records platforms for a manifest stored before they were.
INSERT INTO oci_manifests (repository_id, image, digest, media_type, artifact_type, subject_digest, content, size, total_size, annotations, platforms)
VALUES (@repository_id, @image, @digest, @media_type, @artifact_type, sqlc.narg(subject_digest), @content, @size, @total_size, @annotations, @platforms)
ON CONFLICT (repository_id, image, digest) DO UPDATE SET media_type = EXCLUDED.media_type, platforms = EXCLUDED.platforms
RETURNING id, (xmax = 0)::bool AS inserted;

-- name: InsertManifestRef :exec
-- InsertManifestRef records a blob or child manifest a manifest references.
INSERT INTO oci_manifest_refs (manifest_id, digest, kind) VALUES (@manifest_id, @digest, @kind)
ON CONFLICT DO NOTHING;

-- name: LockExistingManifests :many
-- LockExistingManifests returns which of the digests are manifests of an
-- OCI name, share-locking them until the transaction ends so that a
-- concurrent manifest delete waits for (and then sees) the index that needs them.
SELECT digest FROM oci_manifests
WHERE repository_id = @repository_id AND image = @image AND digest = ANY(@digests::text[])
ORDER BY digest
FOR SHARE;

-- name: LockManifest :one
-- LockManifest finds a manifest of an OCI name by digest and locks it for
-- deletion: an index push that share-locked it commits first.
SELECT * FROM oci_manifests WHERE repository_id = @repository_id AND image = @image AND digest = @digest
FOR UPDATE;

-- name: DeleteManifest :one
-- DeleteManifest removes a manifest (its tags and refs cascade).
DELETE FROM oci_manifests WHERE repository_id = @repository_id AND image = @image AND digest = @digest
RETURNING id;

-- name: ListReferrers :many
-- ListReferrers returns the manifests whose subject is the digest.
SELECT digest, media_type, artifact_type, size, annotations FROM oci_manifests
WHERE repository_id = @repository_id AND image = @image AND subject_digest = @subject
  AND (sqlc.narg(artifact_type)::text IS NULL OR artifact_type = sqlc.narg(artifact_type)::text)
ORDER BY digest;

-- name: ListManifestRefs :many
-- ListManifestRefs returns what a manifest references.
SELECT digest, kind FROM oci_manifest_refs WHERE manifest_id = @manifest_id ORDER BY kind, digest;

-- name: ListCatalog :many
-- ListCatalog returns OCI names holding manifests, after last, in order.
SELECT DISTINCT r.name AS repository, m.image,
       (r.name || CASE WHEN m.image = '' THEN '' ELSE '/' || m.image END)::text AS full_name
FROM oci_manifests m JOIN repositories r ON r.id = m.repository_id
WHERE (r.name || CASE WHEN m.image = '' THEN '' ELSE '/' || m.image END) > @last::text
ORDER BY full_name
LIMIT @lim;

-- name: ListImages :many
-- ListImages returns the image paths of a repository with counts, for the UI.
SELECT m.image, count(DISTINCT t.tag)::bigint AS tag_count, count(DISTINCT m.id)::bigint AS manifest_count,
       max(m.created_at)::timestamptz AS updated_at
FROM oci_manifests m LEFT JOIN oci_tags t ON t.manifest_id = m.id
WHERE m.repository_id = @repository_id AND (@filter::text = '' OR m.image ILIKE '%' || @filter::text || '%')
GROUP BY m.image
-- sort is name, -name, updated or -updated (checked by the handler).
ORDER BY CASE WHEN @sort::text = '-name' THEN m.image END DESC,
         CASE WHEN @sort::text = 'updated' THEN max(m.created_at) END,
         CASE WHEN @sort::text = '-updated' THEN max(m.created_at) END DESC,
         m.image
LIMIT @lim OFFSET @off;

-- name: CountImages :one
-- CountImages counts the image paths of a repository matching the filter.
SELECT count(DISTINCT image)::bigint FROM oci_manifests
WHERE repository_id = @repository_id AND (@filter::text = '' OR image ILIKE '%' || @filter::text || '%');

-- name: GetManifestInRepository :one
-- GetManifestInRepository finds a manifest by digest under any image of a repository.
SELECT * FROM oci_manifests WHERE repository_id = @repository_id AND digest = @digest
ORDER BY image LIMIT 1;

-- name: GetReferencingManifest :one
-- GetReferencingManifest returns a manifest of an OCI name that references
-- the digest as a blob or a child manifest (kind), to refuse deleting what
-- a stored manifest still needs.
SELECT m.digest FROM oci_manifest_refs r JOIN oci_manifests m ON m.id = r.manifest_id
WHERE m.repository_id = @repository_id AND m.image = @image AND r.digest = @digest AND r.kind = @kind
ORDER BY m.digest
LIMIT 1;

-- name: ImageExists :one
-- ImageExists reports whether an OCI name holds any manifest.
SELECT EXISTS (SELECT 1 FROM oci_manifests WHERE repository_id = @repository_id AND image = @image);
