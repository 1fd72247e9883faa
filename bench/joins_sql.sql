-- The raw-SQL ceiling of one join (bench/joins.sh): the same guarded UPDATE the service runs
-- (src/db/participation.rs, TAKE_SEAT with ADMITS, for one seat, not referred) and one
-- INSERT of the booking, in one transaction. Variables: lo, hi (the sessions; lo = hi for the
-- hot session).
\set person random(1, 999999999)
\set sid random(:lo, :hi)
BEGIN;
UPDATE session_seats SET
    taken = taken + CASE WHEN ((capacity IS NULL OR taken + 1 + (CASE WHEN false OR reserve_until IS NULL OR reserve_until <= now() AT TIME ZONE 'UTC' THEN 0 ELSE GREATEST(reserved - referred_taken, 0) END) <= capacity) AND (waiting = 0 OR (false AND reserve_until IS NOT NULL AND reserve_until > now() AT TIME ZONE 'UTC' AND referred_taken + 1 <= reserved))) THEN 1 ELSE 0 END,
    waiting = waiting + CASE WHEN ((capacity IS NULL OR taken + 1 + (CASE WHEN false OR reserve_until IS NULL OR reserve_until <= now() AT TIME ZONE 'UTC' THEN 0 ELSE GREATEST(reserved - referred_taken, 0) END) <= capacity) AND (waiting = 0 OR (false AND reserve_until IS NOT NULL AND reserve_until > now() AT TIME ZONE 'UTC' AND referred_taken + 1 <= reserved))) THEN 0 ELSE 1 END,
    seq = seq + 1,
    last_ok = ((capacity IS NULL OR taken + 1 + (CASE WHEN false OR reserve_until IS NULL OR reserve_until <= now() AT TIME ZONE 'UTC' THEN 0 ELSE GREATEST(reserved - referred_taken, 0) END) <= capacity) AND (waiting = 0 OR (false AND reserve_until IS NOT NULL AND reserve_until > now() AT TIME ZONE 'UTC' AND referred_taken + 1 <= reserved)))
    WHERE session_id = :sid
    RETURNING last_ok::int AS ok, seq AS pos \gset
INSERT INTO bookings (session_id, participant_key, guest_name, guest_phone, seats, status, position, channel, share_contact, manage_token_hash, created_at, confirmed_at)
    VALUES (:sid, 'g:pgbench-' || :client_id || '-' || :pos || '-' || :person, 'Ospite', '+393' || :person, 1,
        CASE WHEN :ok = 1 THEN 'confirmed' ELSE 'waitlisted' END, :pos, 'guest', true,
        md5(:sid || '-' || :pos || '-' || :person || '-' || random()), now() AT TIME ZONE 'UTC',
        CASE WHEN :ok = 1 THEN now() AT TIME ZONE 'UTC' END);
END;
