# Pages for people who take part: seats and joining on a session page, the result, the
# private link to see, confirm or cancel, my bookings, check-in and "how did it go". And
# the field of seats held for linkers in the activity form.

bp-nav-bookings = My bookings
bp-account-bookings = My bookings

# Seats and joining (session page)
bp-jump-to-join = Go to booking
bp-join-title = Seats and booking
bp-seats-capacity = Seats in all
bp-seats-left = Seats still free
bp-seats-no-limit = No limit: there is room for everyone
bp-seats-coming = People booked
bp-seats-waiting = People on the waiting list
bp-seats-held = { $count } seats are held for people who come with a linker. Shortly before the session, if nobody takes them, they are free for everyone again.
bp-seats-full = All seats are taken, but you can go on the waiting list. If someone cancels, the first on the list gets the place automatically.
bp-closed-cancelled = This session is cancelled: you cannot book it.
bp-closed-started = This session has already started: you can no longer book it.
bp-closed-not-open = For now this activity is not taking bookings.
bp-join-button = Join
bp-join-waitlist-button = Put me on the waiting list
bp-with-someone = Someone will come with me (a second seat)
bp-share-contact = The organizer may see how to reach me
bp-share-needs = The organizer may see my accessibility needs (the ones in my profile)
bp-you-are-booked = You are booked for this session.
bp-see-booking = See the booking
bp-cancel-button = Cancel my place
bp-cancel-hint = If you cannot come, please cancel: your place goes to someone who is waiting.

# A linker books for someone they accompany
bp-for-resident-title = Book for someone you accompany
bp-for-resident-intro = The person sees the booking in their profile. The organizer sees only their name or nickname, and only what the person agrees to show.
bp-field-resident = Who the booking is for
bp-field-companion = Who goes with them
bp-hint-companion = Whoever goes along takes a seat too.
bp-companion-choice-none = Nobody, they go alone
bp-companion-choice-linker = I will go with them
bp-companion-choice-volunteer = A volunteer goes with them
bp-r-share-contact = The person agrees that the organizer may see how to reach them
bp-r-share-needs = The person agrees that the organizer may see their accessibility needs
bp-for-resident-button = Book for this person

# Joining without an account
bp-guest-intro = You do not need an account. Leave your first name and an e-mail address or a phone number.
bp-field-first-name = Your first name
bp-hint-first-name = Your first name is enough.
bp-contact-legend = How we can reach you
bp-contact-hint = Type an e-mail address or a phone number: one is enough. The organizer will see the contact you give, to tell you if something changes.
bp-hint-email = With an e-mail we send you a link: open it to confirm your place.
bp-hint-phone = With a phone number the place is yours at once.
bp-guest-have-account = Do you have an account?

# Result
bp-result-confirmed-title = You have a place!
bp-result-waitlisted-title = You are on the waiting list
bp-result-check-email-title = Check your e-mail
bp-result-already-title = You had already booked
bp-check-email-text = We have sent you an e-mail with a link. Open it to confirm your place.
bp-check-email-hold = Until you confirm, the place is not yet yours.
bp-check-email-spam = Cannot find the e-mail? Look in your junk mail (spam) too.
bp-already-text = You had already booked this session with this contact. To see or cancel the booking, use the link we gave you (or the one in the e-mail).
bp-back-to-session = Back to the session

# The private link
bp-keep-link-title = Keep this link
bp-keep-link-text = This is your private link: it lets you see your booking and cancel it, without an account. Save it, print it or write it down.
bp-keep-link-hint = Do not give it to others: whoever has the link can cancel your place.

# The booking
bp-booking-title = Your booking
bp-fact-status = Status
bp-fact-who = In the name of
bp-fact-companion = Who comes along
bp-status-confirmed = Place confirmed
bp-status-confirmed-text = You have a place. See you there!
bp-status-attended-text = You were marked as present. Thank you for coming!
bp-status-no-show-text = The organizer marked you as absent. If you were there, tell us below.
bp-status-waitlisted = On the waiting list
bp-status-waitlisted-text = You are on the waiting list, in place number { $place }. If someone cancels, the first on the list gets the place automatically.
bp-status-waitlisted-first = You are first on the waiting list: the next place that frees up is yours.
bp-status-waitlisted-plain = You are on the waiting list. If someone cancels, the first on the list gets the place automatically.
bp-status-unconfirmed = Waiting for your confirmation
bp-status-unconfirmed-text = We are waiting for your e-mail confirmation: open the link in the e-mail we sent you.
bp-status-cancelled = Cancelled
bp-status-cancelled-text = This booking is cancelled.
bp-companion-volunteer-text = Someone comes with you (2 seats).
bp-companion-linker-text = The linker comes along (2 seats).
bp-confirm-intro = Press the button to confirm. If all seats are taken, you go on the waiting list.
bp-confirm-button = Confirm my place
bp-done-already = You had already booked this session: here is your booking.
bp-done-confirmed = Thank you, you have confirmed.
bp-done-cancelled = Done: your place is cancelled. Thank you for telling us, so it goes to someone who is waiting.
bp-done-checked-in = You are marked as present. Enjoy!
bp-done-reported = Thank you for your answer.
bp-all-my-bookings = All my bookings

# Check-in and how it went
bp-field-code = Session code
bp-hint-code = It has 4 digits: you find it displayed at the venue, or ask the organizer.
bp-checkin-button = I have arrived
bp-report-title = How did it go?
bp-report-went = I went
bp-report-not = I didn't go
bp-report-said-went = You told us you went.
bp-report-said-not = You told us you did not go.
bp-report-welcome = I felt welcome
bp-report-back = I'd go back
bp-report-welcome-said = You felt welcome.
bp-report-back-said = You would go back.

# My bookings
bp-mine-title = My bookings
bp-mine-upcoming = Coming sessions
bp-mine-earlier = Past or cancelled sessions
bp-mine-none = You have no bookings for coming sessions.
bp-mine-find = Find an activity

# Page errors
err-bp-resident-choose = Choose the person you are booking for.
err-bp-resident-unknown = This person is not one of the people you accompany.
err-bp-code-missing = Type the 4-digit code displayed at the venue.
err-bp-report-choose = Choose whether you went or not.

# Activity form: seats held for people who come with a linker
bp-field-reserved-seats = Seats held for people referred by linkers
bp-hint-reserved-seats = Optional. How many seats to keep for people who come with a linker. If nobody takes them, they are free for everyone { $hours } hours before each session.
err-reserved-seats = Held seats must be a number from 1 up to the number of seats, and the activity needs a number of seats (leave empty to hold none).
