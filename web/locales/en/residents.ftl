# Residents, consent, questionnaires and suggestions (API and shared messages).

err-consent-care-withdrawn = This person has withdrawn their consent to follow-up: their file is closed to linkers until they give it again.
err-break-glass-read-only = Emergency access lets an administrator read a file, not change it.
err-break-glass-needed = Administrators can open a resident's file only through emergency access, with a reason that is recorded.
err-resident-forbidden = You are not one of this person's linkers, so you cannot see their file. The attempt has been recorded.
err-linker-only = Only accredited linkers can do this.
err-consent-care-required = Record the person's consent to follow-up first: without it no file can be kept.
err-resident-exists = You already have a profile.
err-resident-already-taken = Another linker has already taken this person on.
err-no-such-linker = There is no accredited linker with this e-mail address.
err-consent-not-given = There is no active consent for this purpose to withdraw.
err-answers-count = Answer every question of the questionnaire (three for UCLA, one for the ONS question).
err-answers-range = One answer is outside the questionnaire's scale (UCLA: 1 to 3; ONS: 1 to 5).
err-break-glass-reason = Write why you need to open this file (at least 10 characters).
err-home-missing = Say roughly where the person lives: a point on the map or their neighbourhood.
err-consent-reminders-missing = This person has not agreed to receive messages: ask them first, and record their consent.
err-resident-no-email = There is no e-mail address in this person's file.
err-birth-year = Write a year between 1900 and ten years ago, or leave it empty.
err-too-many-items = Too many choices: keep the most important ones.
err-home-cell = This is not a valid neighbourhood cell (H3, resolution 8 or coarser).
err-unknown-area = This neighbourhood is not one of the city's areas.
err-travel-radius = Choose a distance between 500 m and 5 km.

contact-request-thanks = Thank you. A linker will call you soon.

reason-distance = { $distance } from home
reason-interests = you like: { $names }
reason-interests-related = close to what you like: { $names }
reason-free = free
reason-pay-what-you-can = pay what you can
reason-within-budget = { $cost }, within the budget
reason-welcomer = someone welcomes newcomers
reason-first-timer = good for a first time
reason-come-alone = fine to come alone
reason-small-group = a small group ({ $capacity } places)
reason-when-free = { $day } { $part }, when you're free
reason-part-morning = morning
reason-part-afternoon = afternoon
reason-part-evening = evening
reason-language = in { $language }
reason-language-light = little talking needed
reason-wheelchair = wheelchair accessible
reason-accessibility = has what you need: { $features }
reason-waitlist = full for now: you would join the waiting list

mail-suggestion-subject = An activity for you: { $title }
mail-suggestion-body = Hello { $name },

    { $sender } thought you might like this:

    { $title }
    { $when }
    { $venue }

    Details: { $link }

    You receive this message because you agreed to receive reminders from Legami. You can withdraw that consent at any time by telling your linker.
