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

-- name: ListTagDetails :many
-- ListTagDetails returns the tags of an image with their manifests, for the UI.
SELECT t.tag, t.updated_at, m.digest, m.media_type, m.size, m.total_size, m.content, m.created_at
FROM oci_tags t JOIN oci_manifests m ON m.id = t.manifest_id
WHERE t.repository_id = @repository_id AND t.image = @image
ORDER BY t.tag;

-- name: ListTagsOfManifest :many
-- ListTagsOfManifest returns the tags pointing at a manifest.
SELECT tag FROM oci_tags WHERE manifest_id = @manifest_id ORDER BY tag;
