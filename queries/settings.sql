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
WITH ins AS (
    INSERT INTO settings (key, value) VALUES (@key, @value)
    ON CONFLICT (key) DO NOTHING
    RETURNING value
)
SELECT value FROM ins
UNION ALL
SELECT value FROM settings WHERE key = @key AND NOT EXISTS (SELECT 1 FROM ins);
