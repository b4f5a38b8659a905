-- +goose Up
-- On drivers that extend a staging object in place (the filesystem), a
-- chunk is written straight into the upload's one object; the lease makes
-- sure only one request writes it at a time, whichever node it reaches.
ALTER TABLE oci_uploads ADD COLUMN lease text;
ALTER TABLE oci_uploads ADD COLUMN lease_until timestamptz;

-- +goose Down
ALTER TABLE oci_uploads DROP COLUMN lease_until;
ALTER TABLE oci_uploads DROP COLUMN lease;
