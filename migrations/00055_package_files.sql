-- +goose Up
-- The generic package views (issue 8) list versions newest first and sum
-- their files.
CREATE INDEX versions_package_created_idx ON versions (package_id, created_at DESC, id DESC);

-- Images pushed before the registry attached their blobs to versions get
-- them now: each version (a tag, or a digest pushed untagged) gets the
-- config and layers of the manifest it names. Media types were not kept
-- per reference, hence application/octet-stream.
INSERT INTO package_files (version_id, name, blob_digest, size, content_type)
SELECT DISTINCT ON (v.id, l.digest) v.id, l.digest, l.blob_digest, l.size, 'application/octet-stream'
FROM versions v
JOIN packages p ON p.id = v.package_id
JOIN repositories r ON r.id = p.repository_id AND r.type = 'docker'
JOIN oci_manifests m ON m.repository_id = p.repository_id
    AND m.image = CASE WHEN p.name = r.name THEN '' ELSE p.name END
    AND (m.digest = v.version OR m.id = (
        SELECT t.manifest_id FROM oci_tags t
        WHERE t.repository_id = m.repository_id AND t.image = m.image AND t.tag = v.version))
JOIN oci_manifest_refs ref ON ref.manifest_id = m.id AND ref.kind = 'blob'
JOIN oci_blob_links l ON l.repository_id = m.repository_id AND l.image = m.image AND l.digest = ref.digest
ON CONFLICT (version_id, name) DO NOTHING;

-- +goose Down
DROP INDEX versions_package_created_idx;
