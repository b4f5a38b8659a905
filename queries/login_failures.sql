-- name: InsertLoginFailure :exec
-- InsertLoginFailure records a failed password check for rate limiting.
INSERT INTO login_failures (username, client_ip) VALUES (@username, @client_ip);

-- name: CountLoginFailuresByUsername :one
-- CountLoginFailuresByUsername counts recent failures for an account and when the oldest of them happened.
SELECT count(*)::bigint AS failures, coalesce(min(at), now())::timestamptz AS oldest
FROM login_failures WHERE username = @username AND at > @since;

-- name: CountLoginFailuresByClientIP :one
-- CountLoginFailuresByClientIP counts recent failures from a client address and when the oldest of them happened.
SELECT count(*)::bigint AS failures, coalesce(min(at), now())::timestamptz AS oldest
FROM login_failures WHERE client_ip = @client_ip AND at > @since;

-- name: DeleteLoginFailuresByUsername :exec
-- DeleteLoginFailuresByUsername forgets an account's failures after a successful login.
DELETE FROM login_failures WHERE username = @username;

-- name: PruneLoginFailures :exec
-- PruneLoginFailures drops failures too old to count.
DELETE FROM login_failures WHERE at < @before;
