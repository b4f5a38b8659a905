-- name: InsertLoginFailure :one
-- InsertLoginFailure records a password check as failed before it runs (a reservation), for rate limiting.
INSERT INTO login_failures (username, client_ip) VALUES (@username, @client_ip) RETURNING id;

-- name: DeleteLoginFailure :exec
-- DeleteLoginFailure withdraws a reservation whose check succeeded or never ran.
DELETE FROM login_failures WHERE id = @id;

-- name: LockLoginBudget :exec
-- LockLoginBudget serialises, for one transaction, the budget checks of one account or address (class 1 accounts, 2 addresses) across nodes.
SELECT pg_advisory_xact_lock(@class::int, hashtext(@key::text));

-- name: CountLoginFailuresByUsernameAndClientIP :one
-- CountLoginFailuresByUsernameAndClientIP counts recent failures for an account from one address and when the oldest of them happened.
SELECT count(*)::bigint AS failures, coalesce(min(at), now())::timestamptz AS oldest
FROM login_failures WHERE username = @username AND client_ip = @client_ip AND at > @since;

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

-- name: DeleteLoginFailuresByUsernameAndClientIP :exec
-- DeleteLoginFailuresByUsernameAndClientIP forgets an account's failures from one address after a successful login there.
DELETE FROM login_failures WHERE username = @username AND client_ip = @client_ip;
