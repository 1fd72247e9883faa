lang-endonym = English
lang-switch-label = Language:
skip-to-content = Skip to content
nav-label = Main menu
nav-organizations = Organizations
nav-admin = Administration
nav-account = My account
nav-signin = Sign in
nav-signup = Sign up
nav-signout = Sign out
footer-about = Legami: low-barrier activities against loneliness, in Milan. Free, near you, no need to know anyone.
footer-api = Open data and API
back-home = Back to the home page
choose = Choose…
form-has-errors = Please check these fields:
error-title = Something is not right
error-code = Error code:

home-title = Welcome
home-heading = Legami: being together, close to home
home-lead = Walks, gardens, lunches, reading, games, music: activities open to everyone, often free, close to home. You can come alone: someone will welcome you.
home-residents-title = If you are looking for company
home-residents-text = Find activities near you, without signing up. If you prefer, a volunteer can go with you the first time.
home-orgs-title = For associations, libraries, parishes, clubs
home-orgs-text = Register your organization: once the City accredits it, you can publish your activities.
home-linkers-title = For those who accompany others (social linkers)
home-linkers-text = Volunteers, social workers, friends and relatives who help someone get out of the house: ask to be accredited.
home-see-orgs = See the accredited organizations

signup-title = Create an account
signup-intro = You need a name to show, an e-mail address and a password. We will send you a message to confirm the address.
signup-button = Create the account
signup-have-account = Already have an account?
signup-sent-title = Check your mail
signup-sent = Thank you! If the address is right, you will soon get a message with a link to confirm it. The link is valid for 48 hours.
verify-title = Confirm your e-mail address
verify-intro = Press the button to confirm your e-mail address.
verify-button = Confirm the address
verify-done = Address confirmed. You can now sign in.
resend-sent = If there is an account to confirm with this address, we have sent it a new link.
signin-title = Sign in
signin-button = Sign in
signin-no-account = No account yet?
forgot-link = Forgot your password?
forgot-title = Forgotten password
forgot-intro = Type your e-mail address: we will send you a link to choose a new password.
forgot-button = Send me the link
forgot-sent-title = Check your mail
reset-sent = If there is an account with this address, we have sent it a link to choose a new password. The link is valid for one hour.
reset-title = Choose a new password
reset-intro = Type the new password. For your safety, every device signed in to your account will be signed out.
reset-button = Save the new password
reset-done = Password changed. You can now sign in with the new password.
link-invalid-title = Link not valid

field-display-name = Name to show
field-email = E-mail address
field-password = Password
field-current-password = Current password
field-new-password = New password
field-motivation = Who you are and whom you accompany
field-org-name = Name of the organization
field-org-kind = Kind
field-description = Description
field-address = Address
field-coordinates = Position on the map
field-latitude = Latitude
field-longitude = Longitude
field-phone = Phone
field-org-email = The organization's e-mail
field-website = Website
field-reason = Reason
hint-display-name = A nickname is fine. Others will only see this.
hint-password = At least 8 characters. A phrase of several words is easy to remember and hard to guess.
hint-motivation = Optional. For example: "I volunteer at the senior centre in via Padova".
hint-org-description = Optional. What you do, for whom, where.
hint-coordinates = In decimal degrees, for example 45.4642 and 9.1900 (Piazza del Duomo). You can copy them from a map.
hint-reason = A reason is required to reject or suspend, and is sent to the person concerned.

account-title = My account
account-profile = My details
account-roles = Roles
role-admin = Administrator
role-owner = owner
role-staff = staff
role-none = No particular role
sessions-title = Signed-in devices
sessions-intro = Here you see where your account is open. If you do not recognise a device, sign it out and change your password.
sessions-device = Device
sessions-since = Since
sessions-last-seen = Last used
sessions-actions = Actions
sessions-this-one = this device
sessions-unknown-device = Unknown device
sessions-end = Sign out
sessions-end-others = Sign out every other device
sessions-ended = Devices signed out.
password-title = Change password
password-intro = After the change, your other devices will be signed out.
password-button = Change password
password-changed = Password changed. Your other devices have been signed out.
linker-role-name = Social linker
linker-request-title = Become a social linker
linker-request-intro = Linkers accompany lonely people to activities. The City checks every request before accrediting.
linker-request-button = Ask for accreditation
linker-requested = Request sent. You will get an e-mail once it has been reviewed.

status-pending = pending
status-accredited = accredited
status-suspended = suspended
status-rejected = not accepted
decision-accredit = Accredit
decision-reject = Reject
decision-suspend = Suspend
decision-reinstate = Reinstate
decision-saved = Decision recorded.
decisions-title = Accreditation history

orgs-title = Organizations
orgs-intro = Associations, libraries, clubs, parishes and services accredited by the City.
orgs-none = There are no accredited organizations yet.
org-new-title = Register an organization
org-new-intro = After registration, the City checks and accredits the organization. Only then can it publish activities.
org-new-button = Register
org-registered = Organization registered. It is waiting for accreditation: you will get an e-mail with the outcome.
org-members = People of the organization
org-status-explain-pending = The City has not accredited this organization yet: for now only you can see it.
org-status-explain-suspended = The organization is suspended: its activities are not shown.
org-status-explain-rejected = The request for accreditation was not accepted.
org-kind-association = Association
org-kind-library = Library
org-kind-sports_club = Sports club
org-kind-parish = Parish
org-kind-school = School
org-kind-care_home = Care home
org-kind-social_cooperative = Social cooperative
org-kind-informal_group = Informal group
org-kind-public_service = Public service
invite-title = Invite a staff member
invite-intro = They will get an e-mail with a link to join the organization.
invite-button = Send the invitation
invite-sent = Invitation sent.
invite-accept-title = Join the organization
invite-accept-intro = You have been invited as a staff member. Press the button to accept.
invite-accept-button = I accept
invite-accepted = You are now part of the organization.

admin-title = Administration
admin-pending-orgs = Organizations waiting
admin-pending-linkers = Linkers waiting
admin-nothing-pending = Nothing waiting.
admin-all-orgs = All organizations
admin-all-linkers = All linkers
admin-status = Status
admin-action = Action

admin-suspend-title = Suspend or reinstate an account
admin-suspend-intro = A suspension signs the person out of every device at once and stops them from signing in.
admin-suspend-button = Suspend the account
admin-reinstate-button = Reinstate the account
err-no-such-account = No account with this address.

err-confirm-days = You can confirm from 1 to 120 days ahead.
mail-verify-subject = Legami: confirm your e-mail address
mail-verify-body =
    Hello { $name },

    to confirm your e-mail address, open this link and press "Confirm the address":

    { $link }

    The link is valid for { $hours } hours. If you did not sign up, please ignore this message.

    Legami
mail-exists-subject = Legami: you already have an account
mail-exists-body =
    Hello { $name },

    someone (perhaps you) tried to sign up to Legami with this address, but an account already exists.

    To sign in: { $signin }
    If you forgot your password: { $reset }

    If it was not you, you can ignore this message.

    Legami
mail-reset-subject = Legami: choose a new password
mail-reset-body =
    Hello { $name },

    to choose a new password, open this link:

    { $link }

    The link is valid for { $minutes } minutes and can be used once. If you did not ask for it, ignore this message: your password stays as it was.

    Legami
mail-invite-subject = Legami: invitation to join { $org }
mail-invite-body =
    Hello,

    { $inviter } invites you to work with { $org } on Legami.

    To accept, sign in (or create an account with this e-mail address) and open:

    { $link }

    The invitation is valid for { $days } days.

    Legami
mail-status-subject = Legami: an update on { $name }
mail-status-body =
    Hello { $person },

    the status of "{ $name }" is now: { $status }.
    Reason: { $reason }

    Details: { $link }

    Legami

err-not-found = We could not find what you are looking for.
err-bad-request = The request is not valid.
err-validation = Some details are not valid.
err-unauthorized = Please sign in to continue.
err-bad-credentials = Wrong e-mail address or password.
err-account-suspended = This account is suspended. Please write to the City for details.
err-email-not-verified = Please confirm your e-mail address first: we have sent you a new link.
err-admin-only = This page is for administrators only.
err-owner-only = Only the owners of the organization can do this.
err-conflict = It already exists.
err-media-type = Unsupported data format: please send JSON (or a web form).
err-too-large = The data sent is too large.
err-too-many = Too many attempts. Please try again in a few minutes.
err-internal = Something went wrong on our side. Please try again shortly; if it goes on, tell us.
err-busy = The service is very busy right now. Please try again in a few seconds.
err-db-unavailable = The service is not available right now. Please try again shortly.
err-method = This operation is not allowed here.
err-csrf = The form has expired or is not valid. Reload the page and try again.
err-ws-upgrade = This address is for live updates: open it as a websocket.
err-cross-site = Request refused: it comes from another site.
err-link-invalid = This link is not valid: it has already been used or has expired. You can ask for a new one.
err-email-missing = Please type your e-mail address.
err-email-invalid = This does not look like a valid e-mail address (for example: name@example.org).
err-email-long = The e-mail address is too long.
err-password-short = The password must have at least 8 characters.
err-password-long = The password can have at most 128 characters.
err-password-common = This password is one of the most used and easiest to guess: please choose another.
err-password-like-email = The password cannot be the same as the e-mail address.
err-current-password = The current password is not right.
err-required = This field is required.
err-too-long = The text is too long.
err-too-short = The text is too short.
err-control-chars = The text contains characters that are not allowed.
err-coordinate = Type a number in decimal degrees (for example 45.4642).
err-phone = A phone number can only contain digits, spaces and + - ( ) / .
err-website = Type a full web address, starting with https://
err-org-kind = Choose the kind of organization.
err-locale = Language not available.
err-org-not-active = The organization is suspended or was not accepted.
err-invite-other-email = This invitation is for another e-mail address. Sign in with the address that received the invitation.
err-linker-already = You have already asked to be accredited as a linker.
err-decision-unknown = Unknown decision.
err-decision-not-allowed = This decision is not possible in the current state.
err-reason-required = Please give a reason: it will be sent to the person concerned.
err-status-unknown = Unknown status.
err-suspend-self = You cannot suspend your own account.
err-timezone = Unknown time zone (for example: Europe/Rome).
err-datetime = Write date and time as 2026-12-01T10:00.
err-datetime-dst = This time does not exist on that day (daylight saving change): choose another.
err-duration = The length must be between 5 minutes and 24 hours.
err-rrule = The repeat rule is not valid (for example: FREQ=WEEKLY;BYDAY=TU).
err-rrule-too-frequent = The rule repeats too often: at most 4 times a day, never every hour or minute.
err-capacity = Seats must be between 1 and 10,000 (leave empty for no limit).
err-cost = The cost must be between 0.01 and 1,000 euro.
err-language-code = Use the two-letter language code (for example: it, en, ar).
err-languages-missing = Give at least one language spoken at the activity.
err-unknown-value = Unexpected value.
err-interests-count = Choose 1 to 5 interests.
err-not-member = You can only publish for organizations you belong to.
err-org-not-accredited = The organization is not accredited (yet): it cannot publish activities.
err-interest-unknown = Unknown interest, or no longer in use.
err-activity-cancelled = The activity is cancelled and can no longer be changed.
err-status-change = This status change is not possible.
err-slug = Use only lower-case letters, digits and hyphens (2–40 characters).
err-interest-depth = The taxonomy has at most two levels.
err-radius = The radius must be between 50 metres and 20 km.
err-area-unknown = Unknown area.
err-date = Write the date as 2026-12-01.
err-date-order = The end date is before the start date.
err-date-range = You can search at most one year at a time.
err-weekday = Days go from 1 (Monday) to 7 (Sunday).
err-sort-needs-centre = To sort by distance, give a starting point.
err-limit = You can ask for 1 to 50 results per page.
err-cursor = The page bookmark is not valid: start again from the first page.

# ---- Activities: search, activity and session pages, organizer forms ----
search-title = Find an activity
search-heading = Find an activity near you
search-lead = Walks, games, gardens, music, lunches together: choose where and when, and see what is on. No account needed.
search-jump = Go to the results
search-where = Where?
search-place-duomo = Near Piazza del Duomo
search-place-area = In a neighbourhood
search-place-point = Near a point on the map
search-place-anywhere = Anywhere in the city
search-area = Neighbourhood
search-area-hint = Choose "In a neighbourhood" above, then the neighbourhood from the list.
search-radius = How far you can go
search-radius-hint = Counted in a straight line from Piazza del Duomo or from the point you chose.
search-when = When?
search-dates-hint = Leave the dates empty to see the next 30 days. Write dates like 2026-12-01 or 1/12/2026.
search-from = From
search-to = To (included)
search-words = Words to look for
search-words-hint = Optional. For example: walk, choir, cards.
search-more = More filters: day, time, interests, cost, language, accessibility
search-time-of-day = Time of day
time-of-day-morning = Morning (before 12)
time-of-day-afternoon = Afternoon (12 to 18)
time-of-day-evening = Evening (after 18)
search-weekdays = Days of the week
search-weekdays-hint = Leave all empty for any day.
search-interests = Interests
search-interests-hint = Leave all empty to see everything.
search-interest-whole = Everything in "{ $name }"
search-free = Only free activities (or pay what you can)
search-language = A language you speak
search-language-hint = Activities where little talking is needed are always shown.
search-any-language = Any language
search-wheelchair = Wheelchair access
search-wheelchair-any = I don't need it
search-wheelchair-partial = At least partly accessible
search-wheelchair-full = Fully accessible
search-access = What you need at the venue
search-access-hint = Only places that have everything you tick are shown.
search-features = To feel at ease
search-features-hint = Only activities with everything you tick are shown.
search-sort = Order of the results
search-sort-time = Soonest first
search-sort-distance = Nearest first
search-button = Search
search-reset = Start again
search-found = Sessions found: { $count }
search-scope-duomo = within { $radius } of Piazza del Duomo
search-scope-point = within { $radius } of the point you chose
search-scope-area = in { $area }
search-scope-anywhere = anywhere in { $city }
search-distance-duomo = { $distance } from Piazza del Duomo
search-distance-point = { $distance } from the point you chose
search-empty = We found no sessions with these choices.
search-empty-try = You could try:
search-widen = looking further away, within { $radius }
search-whole-city = looking anywhere in { $city }
search-fewer-filters = removing the other filters
search-later = looking at the next three months
search-pages = Pages of results
search-first-page = Back to the first page
search-next-page = Next page
search-calendar = Subscribe to these results in your calendar
search-calendar-hint = Your phone or computer calendar will show new sessions as they are published.

fact-when = When
fact-when-see-list = See the dates below.
fact-usually = Usually:
fact-duration = Length:
fact-where = Where
fact-area = Area:
fact-map = See the place on the map (OpenStreetMap)
fact-meeting-point = Meeting point
fact-cost = Cost
fact-seats = Seats
fact-seats-unlimited = No limit
fact-languages = Languages spoken
fact-audience = Especially for
fact-interests = Interests
fact-organizer = Organized by
fact-welcome = Easy to join
fact-access = Accessibility
fact-what-to-expect = What to expect
fact-what-to-bring = What to bring
fact-contact = Contact
fact-note = Note:

cost-free = Free
cost-pay-what-you-can = Pay what you can
cost-help = help with the cost available
cost-help-long = If the cost is a problem, ask: help is available.
cost-kind-free = Free
cost-kind-amount = A fixed price
cost-kind-pay_what_you_can = Pay what you can

feature-drop_in = No booking needed
feature-first_timer_friendly = Good for a first time
feature-welcomer = Welcome at the door
feature-come_alone = You can come alone
feature-language_light = Little talking needed
feature-text-drop_in = You can come without booking: just turn up.
feature-text-first_timer_friendly = It is fine to come for the first time: nobody expects you to know how it works.
feature-text-welcomer = Someone welcomes newcomers at the door.
feature-text-come_alone = You can come alone: many people do.
feature-text-language_light = You don't need to speak Italian well: little talking is needed.

access-step_free = Step-free access
access-accessible_toilet = Accessible toilet
access-hearing_loop = Hearing loop
access-sign_language = Italian Sign Language (LIS)
access-seating = Seats to rest
access-quiet_space = A quiet space
wheelchair-partial = Partly wheelchair accessible
wheelchair-full = Wheelchair accessible
wheelchair-long-no = Not accessible by wheelchair.
wheelchair-long-partial = Partly accessible by wheelchair: ask the organizers for details.
wheelchair-long-full = Fully accessible by wheelchair.

audience-all_ages = everyone, of any age
audience-seniors = older people
audience-families = families with children
audience-newcomers = people new to the city
audience-young_adults = young adults

language-it = Italian
language-en = English
language-ar = Arabic
language-es = Spanish
language-fr = French
language-zh = Chinese
language-ro = Romanian
language-uk = Ukrainian
language-de = German
language-pt = Portuguese
language-ru = Russian
language-tl = Filipino
language-bn = Bengali
language-sq = Albanian

weekday-1 = Monday
weekday-2 = Tuesday
weekday-3 = Wednesday
weekday-4 = Thursday
weekday-5 = Friday
weekday-6 = Saturday
weekday-7 = Sunday
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
word-and = and
date-words = { $weekday } { $day } { $month }
date-today = Today, { $date }
date-tomorrow = Tomorrow, { $date }
rule-daily = Every day
rule-weekly = Every { $days }
rule-biweekly = Every two weeks: { $days }
rule-monthly = The { $nth ->
        [first] first
        [second] second
        [third] third
        [fourth] fourth
       *[last] last
    } { $day } of every month

activity-status-draft = draft
activity-status-published = published
activity-status-paused = paused
activity-status-cancelled = cancelled
activity-status-explain-draft = Only the people of the organization can see this draft. Publish it so that everyone can find it.
activity-status-explain-paused = The activity is paused: it is not shown in searches until you resume it.
activity-status-now = Status now:
activity-cancelled-notice = This activity is cancelled: its sessions will not take place.
activity-next-sessions = Next sessions
activity-no-sessions = There are no sessions planned at the moment.
activity-add-calendar = Add to my calendar
activity-organizer-tools = For the organizers
activity-edit-link = Change the activity
activity-action-publish = Publish
activity-action-pause = Pause
activity-action-resume = Resume
activity-action-cancel = Cancel the activity…
activity-done-created = Activity saved.
activity-done-saved = Changes saved.
activity-done-published = The activity is published: everyone can find it.
activity-done-paused = The activity is paused: it no longer appears in searches.
activity-done-cancelled = The activity is cancelled.
activity-cancel-title = Cancel the activity
activity-cancel-explain = All its future sessions will be cancelled and the activity can no longer be changed. The page stays visible, saying that it is cancelled.
activity-cancel-upcoming = Sessions that will be cancelled:
activity-cancel-confirm = Yes, cancel the activity
activity-cancel-back = No, go back
activity-new-title = New activity
activity-edit-title = Change the activity
activity-form-intro = Fields marked with * are required. Describe the activity simply: people will decide from this page whether to come.
activity-publish-button = Publish
activity-draft-button = Save as a draft
activity-save-button = Save the changes
form-back = Go back without saving
form-section-what = What
form-section-where = Where
form-section-when = When
form-section-cost = Seats and cost
form-section-languages = Languages
form-section-access = Accessibility and welcome
form-section-practical = Practical information
form-interest-general = { $name } (in general)
field-title = Title
hint-title = Short and clear, for example: "Walking group in Parco Sempione".
hint-activity-description = What you do, for whom, in a few lines.
field-interests = Interests
hint-interests = Choose from 1 to 5.
field-audience = Especially for
hint-audience = Optional: everyone is always welcome.
field-venue = Name of the place
hint-venue = For example: "Biblioteca Sormani" or "Parco Sempione, Arena side".
hint-meeting-point = Optional. Where exactly to meet, for example: "at the side gate".
field-starts-at = Date and time of the first session
hint-starts-at = For example 2026-12-01T10:00, in Milan's time.
field-duration = Length in minutes
hint-duration = For example 90 for an hour and a half.
field-repetition = Does it repeat?
hint-repetition = "Every month" repeats on the same weekday of the month as the first session (for example, the second Tuesday).
repeat-none = Only once
repeat-weekly = Every week
repeat-biweekly = Every two weeks
repeat-monthly = Every month, on the same weekday
repeat-advanced = Another rule (advanced)
field-weekdays = Days of the week
hint-weekdays = For "every week" and "every two weeks". If you tick none, the day of the first session is used.
field-rrule = Advanced rule (RRULE)
hint-rrule = Only for "Another rule": an iCalendar RRULE, for example FREQ=WEEKLY;BYDAY=TU;UNTIL=20270630T000000Z
field-exdates = Dates when it does not take place
hint-exdates = Optional. One date per line, for example 2026-12-25.
field-capacity = Seats
hint-capacity = Leave empty if there is no limit.
field-cost-kind = Cost
field-cost-amount = Price in euro
hint-cost-amount = Only for "A fixed price". For example 5 or 7,50.
field-cost-help = Help with the cost is available for those who ask
field-languages = Languages spoken at the activity
hint-languages = Tick at least one.
field-languages-other = Other languages
hint-languages-other = Optional. Two-letter codes separated by commas, for example: de, pt.
field-wheelchair = Wheelchair access
field-accessibility = At the venue
field-low-barrier = To feel at ease
hint-low-barrier = Tick only what is true: people count on it.
hint-what-to-expect = Optional. How a session goes, for example: "we walk slowly for an hour, then coffee".
hint-what-to-bring = Optional. For example: comfortable shoes, a bottle of water.
field-contact-phone = Contact phone
field-contact-email = Contact e-mail

session-cancelled = cancelled
session-cancelled-notice = This session is cancelled: it will not take place.
session-moved = This session has been moved. Usually:
session-add-calendar = Add this session to my calendar
session-all-dates = All the dates of this activity
session-edit-link = Change
session-edit-title = Change one session
session-edit-intro = The change applies only to this session; the others stay as they are.
session-status-scheduled = It takes place
session-status-cancelled = Cancelled
field-session-status = This session
field-session-starts-at = Date and time
field-session-note = Note for the participants
hint-session-note = Optional. For example: "this time we meet at the side gate".
session-save-button = Save
session-done-saved = Session saved.
err-area-missing = Choose a neighbourhood from the list.
err-exdate = Write one date per line, like 2026-12-25.
nav-activities = Find an activity
home-find-activities = Find activities near you
activity-confirm-hint = Confirm that next month's sessions will take place: unconfirmed dates show as "to be confirmed".
activity-confirm-button = I confirm next month's dates
activity-done-confirmed = Next month's dates confirmed.
admin-interests-title = Interests
admin-interests-intro = The interests activities are tagged with (two levels). An interest is never deleted: it is retired, and stays on the activities that already use it.
interest-deprecated = retired
interest-deprecate = Retire
interest-restore = Restore
interest-add-title = Add an interest
interest-parent = Under
interest-no-parent = (top level)
interest-slug = Code
interest-name-it = Name in Italian
interest-name-en = Name in English
interest-add-button = Add
