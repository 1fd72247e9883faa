-- The raw-SQL ceiling of one join (bench/joins.sh): the statement the service runs on
-- PostgreSQL (src/db/participation.rs, PG_TAKE_SEAT_AND_BOOK: the guarded UPDATE of the seat
-- row and the INSERT of the booking in one data-modifying CTE), for one guest and one seat,
-- in a transaction of its own, with the values written in (the service binds them once each,
-- as the one-row CTE `p`, and runs the statement prepared; pgbench runs this with
-- `-M prepared`, hence the casts). Variables: lo, hi (the sessions; lo = hi for the hot
-- session).
\set person random(1, 999999999)
\set sid random(:lo, :hi)
BEGIN;
WITH s AS (
    UPDATE session_seats SET
        taken = taken + CASE WHEN ((capacity IS NULL OR taken + 1 + (CASE WHEN false OR reserve_until IS NULL OR reserve_until <= now() AT TIME ZONE 'UTC' THEN 0 ELSE GREATEST(reserved - referred_taken, 0) END) <= capacity) AND (waiting = 0 OR (false AND reserve_until IS NOT NULL AND reserve_until > now() AT TIME ZONE 'UTC' AND referred_taken + 1 <= reserved))) THEN 1 ELSE 0 END,
        referred_taken = referred_taken + CASE WHEN false AND ((capacity IS NULL OR taken + 1 + (CASE WHEN false OR reserve_until IS NULL OR reserve_until <= now() AT TIME ZONE 'UTC' THEN 0 ELSE GREATEST(reserved - referred_taken, 0) END) <= capacity) AND (waiting = 0 OR (false AND reserve_until IS NOT NULL AND reserve_until > now() AT TIME ZONE 'UTC' AND referred_taken + 1 <= reserved))) THEN 1 ELSE 0 END,
        waiting = waiting + CASE WHEN ((capacity IS NULL OR taken + 1 + (CASE WHEN false OR reserve_until IS NULL OR reserve_until <= now() AT TIME ZONE 'UTC' THEN 0 ELSE GREATEST(reserved - referred_taken, 0) END) <= capacity) AND (waiting = 0 OR (false AND reserve_until IS NOT NULL AND reserve_until > now() AT TIME ZONE 'UTC' AND referred_taken + 1 <= reserved))) THEN 0 ELSE 1 END,
        seq = seq + 1,
        last_ok = ((capacity IS NULL OR taken + 1 + (CASE WHEN false OR reserve_until IS NULL OR reserve_until <= now() AT TIME ZONE 'UTC' THEN 0 ELSE GREATEST(reserved - referred_taken, 0) END) <= capacity) AND (waiting = 0 OR (false AND reserve_until IS NOT NULL AND reserve_until > now() AT TIME ZONE 'UTC' AND referred_taken + 1 <= reserved)))
        WHERE session_id = :sid::bigint
        RETURNING last_ok, seq, taken, waiting, capacity, reserved, reserve_until, referred_taken
), b AS (
    INSERT INTO bookings (session_id, participant_key, resident_id, user_id, guest_name, guest_email,
        guest_phone, seats, companion, referral_id, status, position, channel, booked_by,
        share_contact, share_needs, manage_token_hash, created_at, confirmed_at)
    SELECT :sid::bigint, 'g:' || 'pgbench-' || :client_id::int || '-' || s.seq || '-' || :person::bigint, NULL, NULL, 'Ospite', '',
        '+393' || :person::bigint, 1, '', NULL, CASE WHEN s.last_ok THEN 'confirmed' ELSE 'waitlisted' END,
        s.seq, 'guest', NULL, true, false, md5(:sid::bigint || '-' || s.seq || '-' || :person::bigint || '-' || random()),
        now() AT TIME ZONE 'UTC', CASE WHEN s.last_ok THEN now() AT TIME ZONE 'UTC' END
    FROM s RETURNING id
)
SELECT s.last_ok, s.seq, s.taken, s.waiting, s.capacity, s.reserved, s.reserve_until, s.referred_taken, b.id AS booking_id FROM s, b;
END;
