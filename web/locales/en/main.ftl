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
