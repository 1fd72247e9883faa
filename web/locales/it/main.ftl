lang-endonym = Italiano
lang-switch-label = Lingua:
skip-to-content = Vai al contenuto
nav-label = Menu principale
nav-organizations = Organizzazioni
nav-admin = Amministrazione
nav-account = Il mio profilo
nav-signin = Accedi
nav-signup = Registrati
nav-signout = Esci
footer-about = Legami: attività a bassa soglia contro la solitudine, a Milano. Gratis, vicino a te, senza bisogno di conoscere nessuno.
footer-api = Dati aperti e API
back-home = Torna alla pagina iniziale
choose = Scegli…
form-has-errors = Controlla questi campi:
error-title = Qualcosa non va
error-code = Codice errore:

home-title = Benvenuti
home-heading = Legami: stare insieme, vicino a casa
home-lead = Passeggiate, orti, pranzi, letture, giochi, musica: attività aperte a tutti, spesso gratuite, vicino a casa. Si può venire da soli: qualcuno vi accoglie.
home-residents-title = Per chi cerca compagnia
home-residents-text = Trovate attività vicino a voi, senza registrarvi. Se preferite, un volontario può accompagnarvi la prima volta.
home-orgs-title = Per associazioni, biblioteche, parrocchie, circoli
home-orgs-text = Registrate la vostra organizzazione: dopo l'accreditamento del Comune potrete pubblicare le vostre attività.
home-linkers-title = Per chi accompagna (linker sociali)
home-linkers-text = Volontari, operatori, amici e familiari che aiutano qualcuno a uscire di casa: chiedete l'accreditamento.
home-see-orgs = Vedi le organizzazioni accreditate

signup-title = Crea un account
signup-intro = Servono un nome da mostrare, un indirizzo e-mail e una password. Vi manderemo un messaggio per confermare l'indirizzo.
signup-button = Crea l'account
signup-have-account = Hai già un account?
signup-sent-title = Controlla la posta
signup-sent = Grazie! Se l'indirizzo è corretto, riceverai a breve un messaggio con un link per confermarlo. Il link vale 48 ore.
verify-title = Conferma il tuo indirizzo e-mail
verify-intro = Premi il pulsante per confermare il tuo indirizzo e-mail.
verify-button = Conferma l'indirizzo
verify-done = Indirizzo confermato. Ora puoi accedere.
resend-sent = Se esiste un account da confermare con questo indirizzo, ti abbiamo inviato un nuovo link.
signin-title = Accedi
signin-button = Accedi
signin-no-account = Non hai un account?
forgot-link = Password dimenticata?
forgot-title = Password dimenticata
forgot-intro = Scrivi il tuo indirizzo e-mail: ti manderemo un link per scegliere una nuova password.
forgot-button = Mandami il link
forgot-sent-title = Controlla la posta
reset-sent = Se esiste un account con questo indirizzo, ti abbiamo inviato un link per scegliere una nuova password. Il link vale un'ora.
reset-title = Scegli una nuova password
reset-intro = Scrivi la nuova password. Per sicurezza, tutti i dispositivi collegati al tuo account verranno scollegati.
reset-button = Salva la nuova password
reset-done = Password cambiata. Ora puoi accedere con la nuova password.
link-invalid-title = Link non valido

field-display-name = Nome da mostrare
field-email = Indirizzo e-mail
field-password = Password
field-current-password = Password attuale
field-new-password = Nuova password
field-motivation = Chi sei e chi accompagni
field-org-name = Nome dell'organizzazione
field-org-kind = Tipo
field-description = Descrizione
field-address = Indirizzo
field-coordinates = Posizione sulla mappa
field-latitude = Latitudine
field-longitude = Longitudine
field-phone = Telefono
field-org-email = E-mail dell'organizzazione
field-website = Sito web
field-reason = Motivazione
hint-display-name = Anche un soprannome va bene. Gli altri vedranno solo questo.
hint-password = Almeno 8 caratteri. Una frase di più parole è facile da ricordare e difficile da indovinare.
hint-motivation = Facoltativo. Per esempio: "Sono volontaria del centro anziani di via Padova".
hint-org-description = Facoltativo. Che cosa fate, per chi, dove.
hint-coordinates = In gradi decimali, per esempio 45,4642 e 9,1900 (Piazza del Duomo). Si possono copiare da una mappa.
hint-reason = La motivazione è obbligatoria per rifiutare o sospendere, e viene comunicata all'interessato.

account-title = Il mio profilo
account-profile = I miei dati
account-roles = Ruoli
role-admin = Amministratore
role-owner = titolare
role-staff = collaboratore
role-none = Nessun ruolo particolare
sessions-title = Dispositivi collegati
sessions-intro = Qui vedi dove è aperto il tuo account. Se non riconosci un dispositivo, scollegalo e cambia la password.
sessions-device = Dispositivo
sessions-since = Dal
sessions-last-seen = Ultimo uso
sessions-actions = Azioni
sessions-this-one = questo dispositivo
sessions-unknown-device = Dispositivo sconosciuto
sessions-end = Scollega
sessions-end-others = Scollega tutti gli altri dispositivi
sessions-ended = Dispositivi scollegati.
password-title = Cambia password
password-intro = Dopo il cambio, gli altri dispositivi verranno scollegati.
password-button = Cambia password
password-changed = Password cambiata. Gli altri dispositivi sono stati scollegati.
linker-role-name = Linker sociale
linker-request-title = Diventa linker sociale
linker-request-intro = I linker accompagnano persone sole verso le attività. Il Comune verifica ogni richiesta prima dell'accreditamento.
linker-request-button = Chiedi l'accreditamento
linker-requested = Richiesta inviata. Riceverai un'e-mail quando sarà valutata.

status-pending = in attesa
status-accredited = accreditato
status-suspended = sospeso
status-rejected = non accolto
decision-accredit = Accredita
decision-reject = Rifiuta
decision-suspend = Sospendi
decision-reinstate = Riattiva
decision-saved = Decisione registrata.
decisions-title = Storico dell'accreditamento

orgs-title = Organizzazioni
orgs-intro = Associazioni, biblioteche, circoli, parrocchie e servizi accreditati dal Comune.
orgs-none = Non ci sono ancora organizzazioni accreditate.
org-new-title = Registra un'organizzazione
org-new-intro = Dopo la registrazione, il Comune verifica e accredita l'organizzazione. Solo allora potrà pubblicare attività.
org-new-button = Registra
org-registered = Organizzazione registrata. È in attesa di accreditamento: riceverai un'e-mail con l'esito.
org-members = Persone dell'organizzazione
org-status-explain-pending = Il Comune non ha ancora accreditato questa organizzazione: per ora la vedete solo voi.
org-status-explain-suspended = L'organizzazione è sospesa: le sue attività non sono visibili.
org-status-explain-rejected = La richiesta di accreditamento non è stata accolta.
org-kind-association = Associazione
org-kind-library = Biblioteca
org-kind-sports_club = Società sportiva
org-kind-parish = Parrocchia
org-kind-school = Scuola
org-kind-care_home = RSA / casa di riposo
org-kind-social_cooperative = Cooperativa sociale
org-kind-informal_group = Gruppo informale
org-kind-public_service = Servizio pubblico
invite-title = Invita un collaboratore
invite-intro = La persona riceverà un'e-mail con un link per unirsi all'organizzazione.
invite-button = Invia l'invito
invite-sent = Invito inviato.
invite-accept-title = Unisciti all'organizzazione
invite-accept-intro = Sei stato invitato come collaboratore. Premi il pulsante per accettare.
invite-accept-button = Accetto
invite-accepted = Ora fai parte dell'organizzazione.

admin-title = Amministrazione
admin-pending-orgs = Organizzazioni in attesa
admin-pending-linkers = Linker in attesa
admin-nothing-pending = Nessuna richiesta in attesa.
admin-all-orgs = Tutte le organizzazioni
admin-all-linkers = Tutti i linker
admin-status = Stato
admin-action = Azione

admin-suspend-title = Sospendi o riattiva un account
admin-suspend-intro = La sospensione scollega subito la persona da tutti i dispositivi e le impedisce di accedere.
admin-suspend-button = Sospendi l'account
admin-reinstate-button = Riattiva l'account
err-no-such-account = Nessun account con questo indirizzo.

err-confirm-days = Si possono confermare da 1 a 120 giorni.
mail-verify-subject = Legami: conferma il tuo indirizzo e-mail
mail-verify-body =
    Ciao { $name },

    per confermare il tuo indirizzo e-mail apri questo link e premi "Conferma l'indirizzo":

    { $link }

    Il link vale { $hours } ore. Se non hai chiesto tu di registrarti, ignora questo messaggio.

    Legami
mail-exists-subject = Legami: hai già un account
mail-exists-body =
    Ciao { $name },

    qualcuno (forse tu) ha provato a registrarsi su Legami con questo indirizzo, ma un account esiste già.

    Per accedere: { $signin }
    Se hai dimenticato la password: { $reset }

    Se non sei stato tu, puoi ignorare questo messaggio.

    Legami
mail-reset-subject = Legami: scegli una nuova password
mail-reset-body =
    Ciao { $name },

    per scegliere una nuova password apri questo link:

    { $link }

    Il link vale { $minutes } minuti e si può usare una sola volta. Se non l'hai chiesto tu, ignora questo messaggio: la tua password resta quella di prima.

    Legami
mail-invite-subject = Legami: invito a unirti a { $org }
mail-invite-body =
    Buongiorno,

    { $inviter } ti invita a collaborare con { $org } su Legami.

    Per accettare, accedi (o crea un account con questo indirizzo e-mail) e apri:

    { $link }

    L'invito vale { $days } giorni.

    Legami
mail-status-subject = Legami: aggiornamento su { $name }
mail-status-body =
    Ciao { $person },

    lo stato di "{ $name }" è ora: { $status }.
    Motivazione: { $reason }

    Dettagli: { $link }

    Legami

err-not-found = Non abbiamo trovato quello che cerchi.
err-bad-request = La richiesta non è valida.
err-validation = Alcuni dati non sono validi.
err-unauthorized = Per continuare devi accedere.
err-bad-credentials = Indirizzo e-mail o password non corretti.
err-account-suspended = Questo account è sospeso. Per chiarimenti scrivi al Comune.
err-email-not-verified = Devi prima confermare il tuo indirizzo e-mail: ti abbiamo mandato un nuovo link.
err-admin-only = Questa pagina è riservata agli amministratori.
err-owner-only = Solo i titolari dell'organizzazione possono farlo.
err-conflict = Esiste già.
err-media-type = Formato dei dati non supportato: usa JSON (o un modulo web).
err-too-large = I dati inviati sono troppo grandi.
err-too-many = Troppi tentativi. Riprova tra qualche minuto.
err-internal = Si è verificato un errore nostro. Riprova tra poco; se continua, avvisaci.
err-busy = Il servizio è molto occupato in questo momento. Riprova tra qualche secondo.
err-db-unavailable = Il servizio non è disponibile in questo momento. Riprova tra poco.
err-method = Questa operazione non è permessa qui.
err-csrf = Il modulo è scaduto o non è valido. Ricarica la pagina e riprova.
err-cross-site = Richiesta rifiutata: arriva da un altro sito.
err-link-invalid = Questo link non è valido: è già stato usato oppure è scaduto. Puoi chiederne uno nuovo.
err-email-missing = Scrivi il tuo indirizzo e-mail.
err-email-invalid = Questo non sembra un indirizzo e-mail valido (per esempio: nome@esempio.it).
err-email-long = L'indirizzo e-mail è troppo lungo.
err-password-short = La password deve avere almeno 8 caratteri.
err-password-long = La password può avere al massimo 128 caratteri.
err-password-common = Questa password è tra le più usate e facili da indovinare: scegline un'altra.
err-password-like-email = La password non può essere uguale all'indirizzo e-mail.
err-current-password = La password attuale non è corretta.
err-required = Questo campo è obbligatorio.
err-too-long = Il testo è troppo lungo.
err-too-short = Il testo è troppo corto.
err-control-chars = Il testo contiene caratteri non ammessi.
err-coordinate = Scrivi un numero in gradi decimali (per esempio 45,4642).
err-phone = Il numero di telefono può contenere solo cifre, spazi e + - ( ) / .
err-website = Scrivi un indirizzo web completo, che inizi con https://
err-org-kind = Scegli il tipo di organizzazione.
err-locale = Lingua non disponibile.
err-org-not-active = L'organizzazione è sospesa o non accolta.
err-invite-other-email = Questo invito è per un altro indirizzo e-mail. Accedi con l'indirizzo a cui è arrivato l'invito.
err-linker-already = Hai già chiesto l'accreditamento come linker.
err-decision-unknown = Decisione sconosciuta.
err-decision-not-allowed = Questa decisione non è possibile nello stato attuale.
err-reason-required = Scrivi una motivazione: verrà comunicata all'interessato.
err-status-unknown = Stato sconosciuto.
err-suspend-self = Non puoi sospendere il tuo stesso account.
err-timezone = Fuso orario sconosciuto (per esempio: Europe/Rome).
err-datetime = Scrivi data e ora come 2026-12-01T10:00.
err-datetime-dst = Quest'ora non esiste quel giorno (cambio dell'ora legale): scegline un'altra.
err-duration = La durata deve essere tra 5 minuti e 24 ore.
err-rrule = La regola di ripetizione non è valida (per esempio: FREQ=WEEKLY;BYDAY=TU).
err-rrule-too-frequent = La regola si ripete troppo spesso: al massimo 4 volte al giorno, mai ogni ora o minuto.
err-capacity = I posti devono essere tra 1 e 10.000 (lascia vuoto se non c'è limite).
err-cost = Il costo deve essere tra 0,01 e 1.000 euro.
err-language-code = Usa il codice di due lettere della lingua (per esempio: it, en, ar).
err-languages-missing = Indica almeno una lingua parlata all'attività.
err-unknown-value = Valore non previsto.
err-interests-count = Scegli da 1 a 5 interessi.
err-not-member = Puoi pubblicare solo per le organizzazioni di cui fai parte.
err-org-not-accredited = L'organizzazione non è (ancora) accreditata: non può pubblicare attività.
err-interest-unknown = Interesse sconosciuto o non più in uso.
err-activity-cancelled = L'attività è annullata e non si può più modificare.
err-status-change = Questo cambio di stato non è possibile.
err-slug = Usa solo lettere minuscole, cifre e trattini (2–40 caratteri).
err-interest-depth = La tassonomia ha al massimo due livelli.
err-radius = Il raggio deve essere tra 50 metri e 20 km.
err-area-unknown = Zona sconosciuta.
err-date = Scrivi la data come 2026-12-01.
err-date-order = La data di fine è prima di quella di inizio.
err-date-range = Si può cercare al massimo un anno alla volta.
err-weekday = I giorni vanno da 1 (lunedì) a 7 (domenica).
err-sort-needs-centre = Per ordinare per distanza serve un punto di partenza.
err-limit = Si possono chiedere da 1 a 50 risultati per pagina.
err-cursor = Il segnalibro della pagina non è valido: ricomincia dalla prima pagina.
