# Residents' pages: a linker's residents, the registration form with consent, the resident's
# file, questionnaires, suggestions, a person's own profile, "ask to be called".

rp-nav-ask = Ask to be called
rp-account-own = My profile and suggestions
rp-account-linker = The residents I accompany

rp-yes = Yes
rp-no = No
rp-not-given = Not given
rp-none-chosen = None
rp-any-time = Any time
rp-slot = { $day } { $part }

# The linker's list
rp-list-title = The residents I accompany
rp-list-intro = The people you follow as a linker, and the people who asked to be called and are waiting for someone.
rp-list-mine = My residents
rp-list-mine-none = You do not follow anyone yet. Register a person you accompany, or take someone from the waiting list below.
rp-list-awaiting = Waiting to be called
rp-list-awaiting-intro = These people left a phone number and asked a linker to call them. Take one on: you will find their number in their file.
rp-list-awaiting-none = Nobody is waiting to be called.
rp-col-name = Name
rp-col-area = Neighbourhood
rp-col-status = Status
rp-col-updated = Last change
rp-col-asked = Asked on
rp-col-actions = Actions
rp-take-button = Take on
rp-status-active = followed
rp-status-awaiting_linker = waiting for a call
rp-status-closed = closed
rp-origin-self_account = Signed up on their own
rp-origin-self_phone = Asked to be called
rp-origin-assisted = Registered by a linker

# The profile form
rp-new-title = Register a resident
rp-new-intro = Fill in what the person is happy to tell you. Only a name, roughly where they live and their consent to follow-up are needed; the rest makes the suggestions better.
rp-new-button = Register
rp-edit-title = Change the profile of { $name }
rp-edit-intro = Change what is no longer true. The exact address is never stored.
rp-save-button = Save the profile
rp-form-required-note = Fields marked with * are required.
rp-form-section-person = The person
rp-form-section-interests = What they like
rp-form-section-home = Where they live
rp-form-section-when = When they are free
rp-form-section-needs = Needs and budget
rp-form-section-consent = Consent
rp-field-display-name = Name or nickname
rp-hint-display-name = A first name or a nickname is enough. Organizers see only this.
rp-hint-phone = Optional. Never shown to organizers.
rp-hint-email = Optional. Needed only to send suggestions by e-mail.
rp-field-locale = Language for messages
rp-hint-locale = The language of the e-mails the person receives.
rp-field-birth-year = Year of birth
rp-hint-birth-year = Optional, for example 1948. Only an age band is used in statistics.
rp-field-languages = Languages spoken
rp-hint-languages = Tick every language the person understands; others can be typed below.
rp-hint-interests = Optional. Tick a whole group or single interests.
rp-home-intro = Only roughly: a neighbourhood, or a point that is turned into a neighbourhood cell of about 0.7 km². The exact address is never stored.
rp-field-keep-cell = Keep the neighbourhood cell given before
rp-field-home-area = Neighbourhood
rp-hint-home-area = The neighbourhood (NIL) where the person lives.
rp-area-none = Choose a neighbourhood…
rp-field-home-point = Or a point on the map
rp-hint-home-point = In decimal degrees, for example 45.4642 and 9.1900. It is turned into a neighbourhood cell at once; the point itself is not stored.
rp-field-radius = How far they can go
rp-hint-radius = On foot or by public transport, for an activity.
rp-field-availability = When they are free
rp-hint-availability = Tick the parts of the week when the person is free. Leave all empty if any time is fine.
rp-grid-day = Day
rp-field-wheelchair = Uses a wheelchair: suggest only accessible places
rp-field-accessibility = Other needs at the venue
rp-hint-accessibility = Only places that have all of these are suggested.
rp-field-budget = How much they can spend each time
rp-budget-free = Free activities only
rp-budget-amount = Up to an amount
rp-budget-none = No limit
rp-budget-up-to = Up to { $amount } each time
rp-field-budget-amount = Amount in euro
rp-hint-budget-amount = Only for "Up to an amount". For example 5 or 7,50.
rp-field-company = Would like someone to go along the first time
rp-field-small-groups = Prefers small groups

# Consent
rp-consent-intro = Before registering anyone, read them what each consent means and record what they said. Follow-up by linkers is required: without it no file can be kept.
rp-field-consents = The person agrees to
rp-hint-consents = Tick only what the person agreed to.
rp-consent-assisted-care = Follow-up by linkers: a linker keeps this file and contacts them about activities (required)
rp-consent-assisted-statistics = Being counted, anonymously, in the city's statistics on loneliness
rp-consent-assisted-reminders = Receiving reminders and suggestions by e-mail
rp-field-channel = How the consent was given
rp-hint-channel = A signed paper form is best; a verbal consent is recorded with your name.
rp-channel-signed_paper = Signed paper form
rp-channel-verbal = Verbally
rp-channel-online = Online
rp-field-given-by = Given by
rp-given-by-resident = The person themself
rp-given-by-representative = A legal representative
rp-field-representative = Name and role of the legal representative
rp-hint-representative = Only when a representative consented, for example: "Anna Bianchi, support administrator".
rp-hint-given-by = Leave empty if the person consented themself.
rp-own-consent-intro = You decide what your profile is used for. You can change your mind at any time on your profile page.
rp-field-own-consents = I agree to
rp-hint-own-consents = All optional.
rp-consent-own-care = Follow-up by a linker: a volunteer or social worker can see my profile and contact me
rp-consent-own-statistics = Being counted, anonymously, in the city's statistics on loneliness
rp-consent-own-reminders = Receiving reminders and suggestions by e-mail
rp-err-channel-missing = Say how the consent was given.
rp-err-representative-missing = Write the name and role of the legal representative.
rp-err-purpose-missing = Choose what the consent is for.
rp-err-answer-missing = Choose an answer.

# The file
rp-file-lead = Resident's file. Every opening of this page is recorded.
rp-file-profile = Profile
rp-file-linkers = Linkers
rp-file-no-linkers = No linker follows this person.
rp-linker-since = since { $when }
rp-file-consents = Consents
rp-file-consents-intro = What the person agreed to. When they withdraw a consent, record it here: what depended on it stops at once.
rp-file-no-consents = No consent recorded.
rp-col-purpose = For
rp-col-given = Given
rp-consent-active = active
rp-consent-withdrawn = withdrawn
rp-consent-withdrawn-on = on { $when }, { $channel }
rp-purpose-care = Follow-up by linkers
rp-purpose-statistics = Anonymous statistics
rp-purpose-reminders = Reminders by e-mail
rp-withdraw-channel = Withdrawn how
rp-withdraw-button = Withdraw
rp-withdraw-care-hint = Withdrawing the follow-up closes the file to linkers, you included.
rp-add-consent-title = Record a consent
rp-add-consent-button = Record the consent
rp-home-cell = A neighbourhood cell (about 0.7 km²)
rp-home-cell-in = { $area } (a neighbourhood cell of about 0.7 km²)
rp-home-area-and-cell = { $area }, and a neighbourhood cell (about 0.7 km²)
rp-fact-home = Home
rp-fact-origin = How they came
rp-fact-status = Status
rp-suggestions-link = Suggested activities
rp-edit-link = Change the profile
rp-back-to-list = Back to my residents
rp-back-to-file = Back to the file

# Questionnaires
rp-file-questionnaires = How lonely they feel
rp-file-no-questionnaires = No questionnaire recorded yet.
rp-col-date = Date
rp-col-questionnaire = Questionnaire
rp-col-result = Result
rp-col-reading = Reading
rp-lonely = reads as lonely
rp-not-lonely = does not read as lonely
rp-instrument-ucla3 = UCLA, three questions
rp-instrument-ons = ONS question
rp-context-intake = at intake
rp-context-follow_up = follow-up
rp-field-context = When
rp-ucla-result = Score { $score } out of 9
rp-ons-result = Answer: { $answer }
rp-ucla-title = UCLA loneliness scale (three questions)
rp-ucla-intro = Read each question to the person and tick their answer.
rp-ucla-hint = Each answer counts 1 to 3; a total of { $threshold } or more (out of 9) reads as lonely.
rp-ucla-companionship = How often do you feel that you lack companionship?
rp-ucla-left_out = How often do you feel left out?
rp-ucla-isolated = How often do you feel isolated from others?
rp-ucla-answer-hardly_ever = Hardly ever
rp-ucla-answer-some_of_the_time = Some of the time
rp-ucla-answer-often = Often
rp-ucla-button = Record the answers
rp-ons-title = The direct question (ONS)
rp-ons-intro = The question of the UK Office for National Statistics. "Often or always" reads as lonely.
rp-ons-question = How often do you feel lonely?
rp-ons-answer-often_always = Often or always
rp-ons-answer-some_of_the_time = Some of the time
rp-ons-answer-occasionally = Occasionally
rp-ons-answer-hardly_ever = Hardly ever
rp-ons-answer-never = Never
rp-ons-button = Record the answer

# Admin break glass
rp-break-glass-title = Emergency access to a resident's file
rp-break-glass-intro = Write why you need to open this file, for example a data-protection request. The file opens for a limited time, read only, and your reason is recorded.
rp-break-glass-hint = At least 10 characters.
rp-break-glass-button = Open the file
rp-break-glass-open = Emergency access, read only and recorded. Reason: { $reason }

# Suggestions
rp-suggestions-title = Activities for { $name }
rp-suggestions-lead = Chosen for { $name }, near home (within { $radius }). Prepared on { $date }.
rp-suggestions-tools = For the linker
rp-suggestions-print = To give the person a sheet, print this page: buttons and forms are left out of the paper copy.
rp-suggestions-none = There is nothing to suggest right now within reach. Try a larger distance or fewer needs in the profile, or look again in a few days.
rp-suggestions-footer = If anything is unclear, ask your linker: they can also come along the first time.
rp-card-where = Where
rp-card-organization = Organized by
rp-card-seats = Group
rp-card-why = Why this one
rp-seats = up to { $count } people
rp-send-button = Send by e-mail
rp-send-failed = The e-mail was not sent
rp-dismiss-reason = Why it is not for them
rp-dismiss-hint = Optional. It will be suggested less for a while.
rp-dismiss-button = Not for them

# Notices
rp-done-created = The resident is registered.
rp-done-taken = You now follow this person: call them soon.
rp-done-saved = The profile is saved.
rp-done-questionnaire = The questionnaire is recorded.
rp-done-consent = The consent is recorded.
rp-done-withdrawn = The consent is withdrawn.
rp-done-care-withdrawn = The follow-up consent is withdrawn: the file is now closed to linkers.
rp-done-sent = The activity was sent by e-mail.
rp-done-dismissed = Set aside: it will be suggested less for a while.
rp-done-glass = Emergency access is open, read only.

# A person's own profile
rp-own-title = My profile
rp-own-intro = What you told us to find activities for you. Only you, and the linkers you allow, can see it.
rp-own-new-title = Create my profile
rp-own-new-intro = Tell us a little about yourself and we will suggest low-barrier activities near you, explaining why. Only a name and roughly where you live are needed.
rp-own-new-button = Create my profile
rp-own-edit-title = Change my profile
rp-own-suggestions = Activities for you
rp-own-consents = What I agreed to
rp-own-consents-intro = You can withdraw a consent at any time: what depended on it stops at once.
rp-own-give-consent = You can also agree to
rp-own-give-button = I agree

# Ask to be called
rp-ask-title = Ask to be called
rp-ask-lead = No account, no e-mail: leave your first name and a phone number, and a linker will call you.
rp-ask-intro = A linker is a volunteer or a social worker of the City's network. They will call you, listen to what you would like to do, and help you find activities near you, maybe going along the first time.
rp-ask-first-name = Your first name
rp-ask-first-name-hint = Or the name you like to be called.
rp-ask-phone-hint = The number the linker will call.
rp-ask-area = Your neighbourhood
rp-ask-area-hint = Optional. It helps a linker near you to call.
rp-ask-area-none = I'd rather not say
rp-ask-consent-explained = In plain words: a linker will call you and keep a short file with your name, your number and what you tell them, only to help you find activities. Nobody else sees it. You can ask to withdraw at any time, and the file is closed.
rp-ask-consent-care = I agree to be called and to have a short file kept
rp-ask-consent-statistics = I also agree to be counted, anonymously, in the city's statistics on loneliness (optional)
rp-ask-button = Ask to be called
rp-ask-other-ways = You can also look for activities yourself, without giving any name.
rp-thanks-title = Thank you
rp-thanks-next = Keep your phone close in the next days: the call may come from a number you do not know.
rp-thanks-withdraw = If you change your mind, tell the linker when they call: your file will be closed.
rp-thanks-browse = Look at the activities near you

rp-care-withdrawn-title = Consent to follow-up withdrawn
rp-care-withdrawn-intro = If the person has agreed again to be followed up, record their new consent here: the file opens again at once. Nothing else of the file is shown until then.
rp-care-withdrawn-back = Back to my residents
