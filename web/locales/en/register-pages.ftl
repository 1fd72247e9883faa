# Pages of the organizer's register (attendance, the code for the door, closing) and of linkers'
# proposals (on the resident's file and on their own page), with the bookings.

## The register

# For the session page of an organizer (the activities pages link here).
reg-open-link = Attendance register
reg-title = Register: { $title }
reg-jump-list = Go to the list of who is coming
reg-summary = At a glance
reg-sum-people = People with a seat
reg-sum-seats = Seats taken
reg-seats-of = { $taken } of { $capacity }
reg-seats-no-limit = { $taken } (no limit)
reg-sum-left = Seats still free
reg-sum-waiting = On the waiting list
reg-sum-held = Seats kept for people sent by a linker
reg-sum-here = Here so far
reg-sum-away = Not here so far
reg-code-title = Code to check in on arrival
reg-code-intro = People can check themselves in: they open their booking and type this code. Read it out or put it on the door.
reg-code-print = Print the code for the door
reg-coming = Who is coming
reg-coming-none = Nobody has a seat yet.
reg-marks-from = You can mark who is here from { $when }.
reg-marks-hint = For each person tap "Here" or "Not here". You can correct it at any time.
reg-referred = sent by a linker
reg-mark-label = Status:
reg-mark-attended = here
reg-mark-no-show = not here
reg-mark-none = not marked yet
reg-saved = Saved: { $name }.
reg-method-list = from the list
reg-method-code = with the code
reg-method-register_closed = when the register was closed
reg-method-automatic = closed automatically
reg-fact-companion = Companion
reg-companion = { $who } ({ $seats } seats in all)
reg-companion-linker = their linker
reg-companion-volunteer = a volunteer
reg-fact-needs = Needs (shared by the person)
reg-needs-wheelchair = Uses a wheelchair
reg-fact-contact = Contact (shared by the person)
reg-fact-said = What the person says
reg-said-went = Here, says the person
reg-said-did_not_go = Not here, says the person
reg-disagree = The register and the person say different things: we keep both answers.
reg-here-button = Here
reg-away-button = Not here
reg-waiting = Waiting list
reg-waiting-none = Nobody is on the waiting list.
reg-waiting-hint = In order of arrival: when a seat frees up, the first person on the list gets it.
reg-close-section = Close the register
reg-close-explain = When the session is over, close the register. Anyone not marked as here or not here will count as not here. You can still correct every line afterwards.
reg-close-link = Close the register…
reg-back-to-session = Back to the session's page
reg-err-title = Not saved
reg-err-choose-mark = Choose "Here" or "Not here".
reg-closed-notice = The register is closed. You can still correct it.
reg-done-closed = The register is closed. Everyone who was not marked now counts as not here.

## Closing the register

reg-close-title = Close the register?
reg-closed-already = The register is already closed.
reg-back-to-register = Back to the register
reg-close-all-marked = Everyone is marked already.
reg-close-unmarked = Not marked yet: they will count as not here
reg-close-not-started = The session has not started yet: you can close the register from { $when }.
reg-close-button = Yes, close the register
reg-close-cancel = No, back to the register

## The code for the door

reg-door-title = Code to check in
reg-door-how = Open your booking on Legami and type this code. No phone? Tell the organizer.
reg-door-print-hint = Print this page from your browser's menu ("Print"): the sheet shows only the session and the code, in large type.

## Linkers' proposals

prop-title = Proposals
prop-intro = The activities you proposed to { $name } and how they answered. A proposal without an answer expires after a few days, or when the session starts.
prop-new-link = Propose an activity (from the suggestions)
prop-none = No proposals yet.
prop-expires = answer by { $when }
prop-fact-by = Proposed by
prop-by-resident = the person themself
prop-fact-note = Message
prop-fact-goes-along = Going along
prop-goes-along = The linker goes along the first time.
prop-fact-answer = Answer
prop-answer-yes = Yes, { $how }
prop-answer-no = No, { $how }
prop-answer-with-reason = { $how }: "{ $reason }"
prop-fact-booking = Booking
prop-history = History of the proposal
prop-history-by = by { $who }
prop-history-by-resident = by the person themself
prop-status-proposed = Waiting for an answer
prop-status-accepted = Accepted
prop-status-declined = Declined
prop-status-expired = Expired without an answer
prop-status-attended = Was at the session
prop-status-did_not_attend = Was not at the session
prop-status-cancelled = Booking cancelled
prop-event-proposed = Proposed
prop-event-accepted = Accepted
prop-event-declined = Declined
prop-event-expired = Expired without an answer
prop-event-attended = Was at the session
prop-event-did_not_attend = Was not at the session
prop-event-cancelled = Booking cancelled
prop-channel-online = online
prop-channel-phone = by phone
prop-channel-in_person = in person
prop-channel-signed_paper = on a signed paper
prop-channel-register = from the organizer's register
prop-channel-participant = by the person
prop-channel-linker = by the linker
prop-channel-link = with the link in the e-mail
prop-channel-automatic = automatically
prop-record-title = Record the answer
prop-answer-how = How did { $name } answer?
prop-answer-how-hint = So that we know later how they said yes or no. If they accepted, the seat is booked at once (or a place on the waiting list, if it is full).
prop-answer-channel-phone = By phone
prop-answer-channel-in_person = In person
prop-answer-channel-signed_paper = On a signed paper
prop-session-label = Which day?
prop-share-legend = What the organizer may see (optional)
prop-share-contact = Their phone or e-mail
prop-share-needs = Their accessibility needs
prop-reason-label = The reason, if they said no (optional)
prop-reason-hint = For example: "I can't on Tuesdays". It helps to propose better next time.
prop-accepted-button = Accepted
prop-declined-button = Declined
prop-answer-failed = The answer was not recorded
prop-failed = The proposal was not recorded
prop-err-decision = Choose whether they accepted or declined.
prop-err-channel-missing = Choose how they answered: by phone, in person or on a signed paper.
prop-err-session-missing = Choose a day.
prop-done-proposed = Proposal recorded. You find it below, waiting for an answer.
prop-done-accepted = Answer recorded: yes.
prop-done-declined = Answer recorded: no, thanks.

## Proposing a suggestion

prop-propose-title = Propose this activity
prop-note-label = A message for the person (optional)
prop-note-hint = For example where you meet. The person and their linkers see it, the organizer does not.
prop-goes-along-label = I'll go along the first time (takes one more seat)
prop-propose-button = Propose

## Bookings on the file

prop-bookings-title = Bookings
prop-bookings-upcoming = Coming up
prop-bookings-upcoming-none = No bookings coming up.
prop-bookings-past = Past
prop-bookings-past-none = No past bookings.
prop-booking-confirmed = Seat confirmed
prop-booking-waitlisted = On the waiting list: number { $place }
prop-booking-unconfirmed = Waiting for e-mail confirmation
prop-booking-cancelled = Cancelled
prop-fact-companion = Companion
prop-companion = { $who } (one more seat)
prop-companion-linker = the linker
prop-companion-volunteer = a volunteer
prop-fact-attendance = Organizer's register
prop-attendance-attended = Here
prop-attendance-no_show = Not here
prop-fact-said = What the person says
prop-said-went = Here, says the person
prop-said-did_not_go = Not here, says the person
prop-said-welcome = felt welcome
prop-said-return = would go back
prop-disagree = The register and the person say different things: we keep both answers.

## On one's own page

prop-own-title = Proposals for you
prop-own-intro = Your linker proposes these activities. Tell us if you want to go: if you say yes, the seat is booked at once.
prop-own-none = You have no proposals for now.
prop-own-session-label = Which day?
prop-own-share-legend = What the organizer may see (optional)
prop-own-share-contact = My phone or e-mail
prop-own-share-needs = My accessibility needs
prop-own-reason-label = If you don't want to go, you can tell us why (optional)
prop-own-reason-hint = Only your linker sees it.
prop-own-yes = Yes, book me
prop-own-no = No, thanks
