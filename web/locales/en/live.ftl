# Live updates (web/static/js/live.js): words the script shows or says, rendered by the
# server into data attributes, since the script has no languages of its own.
live-new-notification = New notification:
live-register-updated = Register updated:
