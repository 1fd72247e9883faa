# Aggiornamenti dal vivo (web/static/js/live.js): parole che lo script mostra o legge,
# scritte dal server in attributi data-, perché lo script non ha lingue proprie.
live-new-notification = Nuova notifica:
live-register-updated = Registro aggiornato:
