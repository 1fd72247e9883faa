# Taking part: joining, the waitlist, linkers' referrals, the register and check-in.

err-guest-name-missing = Write your name: a first name is enough.
err-guest-name-invalid = Write a name of at most 60 characters, without unusual symbols.
err-guest-contact-missing = Leave an e-mail address or a phone number, so that we can tell you if something changes.
err-phone-invalid = This phone number does not look right: write 6 to 15 digits, with the country code if it is not Italian.
err-companion-linker-only = Only the linker who books for a person can go along as their companion. If a volunteer goes with them, choose "volunteer".
err-join-already = You already have a seat (or a place on the waitlist) for this session.
err-join-org-suspended = The organization running this activity is suspended: for now nobody can join.
err-join-session-cancelled = This session has been cancelled. Have a look at the activity's next dates.
err-join-activity-paused = Joining this activity is paused for now.
err-join-session-past = This session has already started or is over: choose one of the next dates.
err-booking-link-invalid = This link is not valid. Check that you copied all of it from the message.
err-cancel-session-started = The session has already started, so it can no longer be cancelled.
err-checkin-not-confirmed = Only a confirmed seat can be checked in.
err-checkin-closed = Check-in is not open now: it opens shortly before the start and closes when the organizer closes the register.
err-checkin-code-wrong = That is not the right code. Check the code shown at the venue and try again.
err-register-organizers-only = Only the people who run this activity can see and fill in its register.
err-register-too-early = It is too early to take attendance: you can from two hours before the start.
err-register-not-confirmed = Only people with a confirmed seat are marked in the register.
err-register-not-started = The register can be closed only once the session has started.
err-register-session-cancelled = This session was cancelled: there is no register to close and nobody counts as absent.
err-report-not-confirmed = You can tell us how it went only for a session where you had a confirmed seat.
err-report-too-early = The session has not started yet: you can tell us how it went afterwards.
err-referral-linkers-only = Only the linkers who follow this person can suggest an activity to them.
err-referral-target-missing = Choose the activity or the session to suggest.
err-referral-session-mismatch = This session is not part of the suggested activity.
err-referral-channel = Say how the person answered: by phone, in person or on a signed form.
err-referral-expired = This suggestion expired without an answer. If it still suits, the linker can make a new one.
err-referral-answered = This suggestion has already been answered.
err-referral-pick-session = Choose which session to go to.

join-mail-a-session = a session
join-mail-confirm-subject = Please confirm your place: { $title }
join-mail-confirm-body = Hello { $name },

    thank you for signing up for "{ $title }" on { $when }.

    There is just one step left: open this link and confirm.

    { $link }

    If the seats ran out in the meantime, you join the waitlist and the same link shows your turn. If you cannot come after all, you can cancel from the same link too, so that someone else gets the seat.

    If you did not sign up, just ignore this message: nothing happens without a confirmation.
