-- name: GetSetting :one
-- GetSetting returns one instance setting.
SELECT value FROM settings WHERE key = @key;

-- name: UpsertSetting :exec
-- UpsertSetting stores one instance setting.
INSERT INTO settings (key, value) VALUES (@key, @value)
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now();

-- name: InsertSettingIfAbsent :one
-- InsertSettingIfAbsent stores a value unless one exists and returns the one in force
-- (so concurrent nodes generating a key agree on the first).
-- The no-op update (not DO NOTHING) returns the stored value even when a
-- concurrent insert committed it after this statement's snapshot.
INSERT INTO settings (key, value) VALUES (@key, @value)
ON CONFLICT (key) DO UPDATE SET key = EXCLUDED.key
RETURNING value;
