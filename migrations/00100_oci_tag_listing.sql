-- +goose Up
-- The REST tag listing (issue 15) pages in SQL, so an image with 100,000
-- tags answers from an index in every order it offers, and an item carries
-- only what was recorded at push time.
--
-- Natural order for tag names: ICU's numeric collation compares runs of
-- digits as numbers, so build-2 sorts before build-10.
CREATE COLLATION IF NOT EXISTS natural_sort (provider = icu, locale = 'und-u-kn');

-- os/architecture[/variant] of an image (from its config) or of each
-- entry of an index, recorded when the manifest is pushed.
ALTER TABLE oci_manifests ADD COLUMN platforms text[] NOT NULL DEFAULT '{}';

-- Indexes already hold their platforms in the manifest itself; an image's
-- are in its config blob, outside the database, so images pushed before
-- this migration list none until pushed again.
UPDATE oci_manifests m SET platforms = ARRAY(
    SELECT concat_ws('/', e->'platform'->>'os', e->'platform'->>'architecture', NULLIF(e->'platform'->>'variant', ''))
    FROM jsonb_array_elements(convert_from(m.content, 'UTF8')::jsonb->'manifests') WITH ORDINALITY AS x(e, i)
    WHERE e ? 'platform'
    ORDER BY i)
WHERE m.media_type IN ('application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json');

CREATE INDEX oci_tags_pushed_idx ON oci_tags (repository_id, image, updated_at, tag);
CREATE INDEX oci_tags_natural_idx ON oci_tags (repository_id, image, tag COLLATE natural_sort);

-- +goose Down
DROP INDEX oci_tags_natural_idx;
DROP INDEX oci_tags_pushed_idx;
ALTER TABLE oci_manifests DROP COLUMN platforms;
DROP COLLATION IF EXISTS natural_sort;
