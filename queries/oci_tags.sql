-- name: UpsertTag :exec
-- UpsertTag points a tag at a manifest.
INSERT INTO oci_tags (repository_id, image, tag, manifest_id) VALUES (@repository_id, @image, @tag, @manifest_id)
ON CONFLICT (repository_id, image, tag) DO UPDATE SET manifest_id = EXCLUDED.manifest_id, updated_at = now();

-- name: DeleteTag :execrows
-- DeleteTag removes one tag, leaving its manifest.
DELETE FROM oci_tags WHERE repository_id = @repository_id AND image = @image AND tag = @tag;

-- name: ListTags :many
-- ListTags returns tags of an OCI name after last, in lexical order.
SELECT tag FROM oci_tags WHERE repository_id = @repository_id AND image = @image AND tag > @last::text
ORDER BY tag LIMIT @lim;

-- name: CountTagsOfImage :one
-- CountTagsOfImage counts the tags of an image that start with prefix.
SELECT count(*) FROM oci_tags
WHERE repository_id = @repository_id AND image = @image AND starts_with(tag, @prefix::text);

-- The four ListTagsBy* queries page the tag listing; each order has its own
-- query so that an index serves it (oci_tags_pushed_idx, oci_tags_natural_idx)
-- instead of a sort of every tag.

-- name: ListTagsByPushedDesc :many
-- ListTagsByPushedDesc pages an image's tags, most recently pushed first.
SELECT t.tag, t.updated_at, m.digest, m.media_type, m.size, m.total_size, m.platforms
FROM oci_tags t JOIN oci_manifests m ON m.id = t.manifest_id
WHERE t.repository_id = @repository_id AND t.image = @image AND starts_with(t.tag, @prefix::text)
ORDER BY t.updated_at DESC, t.tag DESC LIMIT @lim OFFSET @off;

-- name: ListTagsByPushed :many
-- ListTagsByPushed pages an image's tags, oldest push first.
SELECT t.tag, t.updated_at, m.digest, m.media_type, m.size, m.total_size, m.platforms
FROM oci_tags t JOIN oci_manifests m ON m.id = t.manifest_id
WHERE t.repository_id = @repository_id AND t.image = @image AND starts_with(t.tag, @prefix::text)
ORDER BY t.updated_at, t.tag LIMIT @lim OFFSET @off;

-- name: ListTagsByName :many
-- ListTagsByName pages an image's tags in natural name order.
SELECT t.tag, t.updated_at, m.digest, m.media_type, m.size, m.total_size, m.platforms
FROM oci_tags t JOIN oci_manifests m ON m.id = t.manifest_id
WHERE t.repository_id = @repository_id AND t.image = @image AND starts_with(t.tag, @prefix::text)
ORDER BY t.tag COLLATE natural_sort LIMIT @lim OFFSET @off;

-- name: ListTagsByNameDesc :many
-- ListTagsByNameDesc pages an image's tags in reverse natural name order.
SELECT t.tag, t.updated_at, m.digest, m.media_type, m.size, m.total_size, m.platforms
FROM oci_tags t JOIN oci_manifests m ON m.id = t.manifest_id
WHERE t.repository_id = @repository_id AND t.image = @image AND starts_with(t.tag, @prefix::text)
ORDER BY t.tag COLLATE natural_sort DESC LIMIT @lim OFFSET @off;

-- name: ListTagsOfManifest :many
-- ListTagsOfManifest returns the tags pointing at a manifest.
SELECT tag FROM oci_tags WHERE manifest_id = @manifest_id ORDER BY tag;

-- name: InsertTagImmutable :execrows
-- InsertTagImmutable creates a tag or confirms it already points at the
-- manifest; 0 rows means it points elsewhere (immutable repositories).
INSERT INTO oci_tags (repository_id, image, tag, manifest_id) VALUES (@repository_id, @image, @tag, @manifest_id)
ON CONFLICT (repository_id, image, tag) DO UPDATE SET updated_at = now()
WHERE oci_tags.manifest_id = EXCLUDED.manifest_id;
