-- name: InsertImageVersionFiles :exec
-- InsertImageVersionFiles attaches the blobs (config, layers) a manifest
-- references to the version that names it: each file is named by the
-- digest the client used and points at the linked blob's content address.
INSERT INTO package_files (version_id, name, blob_digest, size, content_type)
SELECT @version_id, l.digest, l.blob_digest, l.size, (@media_types::text[])[d.i]
FROM unnest(@digests::text[]) WITH ORDINALITY AS d(digest, i)
JOIN oci_blob_links l ON l.repository_id = @repository_id AND l.image = @image AND l.digest = d.digest
ON CONFLICT (version_id, name) DO NOTHING;

-- name: GetImageVersionManifest :one
-- GetImageVersionManifest finds the manifest an image version (tag or digest) names.
SELECT m.id, m.digest, (SELECT count(*) FROM oci_tags t WHERE t.manifest_id = m.id)::bigint AS tag_count
FROM oci_manifests m
WHERE m.repository_id = @repository_id AND m.image = @image
  AND (m.digest = @reference OR m.id = (SELECT t.manifest_id FROM oci_tags t WHERE t.repository_id = @repository_id AND t.image = @image AND t.tag = @reference));
