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
err-ws-upgrade = Questo indirizzo serve agli aggiornamenti in diretta: va aperto come websocket.
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

# ---- Attività: ricerca, pagine di attività e incontri, moduli per chi organizza ----
search-title = Trova un'attività
search-heading = Trova un'attività vicino a te
search-lead = Camminate, giochi, orti, musica, pranzi insieme: scegli dove e quando e guarda che cosa c'è. Non serve registrarsi.
search-jump = Vai ai risultati
search-where = Dove?
search-place-duomo = Vicino a Piazza del Duomo
search-place-area = In un quartiere
search-place-point = Vicino a un punto della mappa
search-place-anywhere = In tutta la città
search-area = Quartiere
search-area-hint = Scegli "In un quartiere" qui sopra, poi il quartiere dall'elenco.
search-radius = Fin dove puoi andare
search-radius-hint = In linea d'aria da Piazza del Duomo o dal punto che hai scelto.
search-when = Quando?
search-dates-hint = Lascia vuote le date per vedere i prossimi 30 giorni. Scrivi le date come 2026-12-01 oppure 1/12/2026.
search-from = Dal
search-to = Al (compreso)
search-words = Parole da cercare
search-words-hint = Facoltativo. Per esempio: camminata, coro, carte.
search-more = Altri filtri: giorno, orario, interessi, costo, lingua, accessibilità
search-time-of-day = Momento della giornata
time-of-day-morning = Mattina (prima delle 12)
time-of-day-afternoon = Pomeriggio (dalle 12 alle 18)
time-of-day-evening = Sera (dopo le 18)
search-weekdays = Giorni della settimana
search-weekdays-hint = Lascia tutto vuoto per qualsiasi giorno.
search-interests = Interessi
search-interests-hint = Lascia tutto vuoto per vedere tutto.
search-interest-whole = Tutto in "{ $name }"
search-free = Solo attività gratuite (o a offerta libera)
search-language = Una lingua che parli
search-language-hint = Le attività in cui si parla poco sono sempre mostrate.
search-any-language = Qualsiasi lingua
search-wheelchair = Accesso in sedia a rotelle
search-wheelchair-any = Non mi serve
search-wheelchair-partial = Almeno in parte accessibile
search-wheelchair-full = Completamente accessibile
search-access = Che cosa ti serve nel luogo
search-access-hint = Sono mostrati solo i luoghi che hanno tutto ciò che spunti.
search-features = Per sentirti a tuo agio
search-features-hint = Sono mostrate solo le attività che hanno tutto ciò che spunti.
search-sort = Ordine dei risultati
search-sort-time = Prima i più vicini nel tempo
search-sort-distance = Prima i più vicini a te
search-button = Cerca
search-reset = Ricomincia
search-found = Incontri trovati: { $count }
search-scope-duomo = entro { $radius } da Piazza del Duomo
search-scope-point = entro { $radius } dal punto che hai scelto
search-scope-area = nel quartiere { $area }
search-scope-anywhere = in tutta { $city }
search-distance-duomo = a { $distance } da Piazza del Duomo
search-distance-point = a { $distance } dal punto che hai scelto
search-empty = Non abbiamo trovato incontri con queste scelte.
search-empty-try = Puoi provare a:
search-widen = cercare più lontano, entro { $radius }
search-whole-city = cercare in tutta { $city }
search-fewer-filters = togliere gli altri filtri
search-later = guardare i prossimi tre mesi
search-pages = Pagine dei risultati
search-first-page = Torna alla prima pagina
search-next-page = Pagina successiva
search-calendar = Ricevi questi risultati nel tuo calendario
search-calendar-hint = Il calendario del telefono o del computer mostrerà i nuovi incontri man mano che vengono pubblicati.

fact-when = Quando
fact-when-see-list = Guarda le date qui sotto.
fact-usually = Di solito:
fact-duration = Durata:
fact-where = Dove
fact-area = Quartiere:
fact-map = Vedi il luogo sulla mappa (OpenStreetMap)
fact-meeting-point = Punto d'incontro
fact-cost = Costo
fact-seats = Posti
fact-seats-unlimited = Nessun limite
fact-languages = Lingue parlate
fact-audience = Pensata soprattutto per
fact-interests = Interessi
fact-organizer = Organizzata da
fact-welcome = Facile partecipare
fact-access = Accessibilità
fact-what-to-expect = Che cosa aspettarsi
fact-what-to-bring = Che cosa portare
fact-contact = Contatti
fact-note = Nota:

cost-free = Gratuita
cost-pay-what-you-can = Offerta libera
cost-help = aiuto con il costo disponibile
cost-help-long = Se il costo è un problema, chiedi: c'è un aiuto.
cost-kind-free = Gratuita
cost-kind-amount = Un prezzo fisso
cost-kind-pay_what_you_can = Offerta libera

feature-drop_in = Senza prenotazione
feature-first_timer_friendly = Adatta alla prima volta
feature-welcomer = Accoglienza all'ingresso
feature-come_alone = Puoi venire da solo o da sola
feature-language_light = Si parla poco
feature-text-drop_in = Puoi venire senza prenotare: basta presentarsi.
feature-text-first_timer_friendly = Va benissimo venire per la prima volta: nessuno si aspetta che tu sappia già come funziona.
feature-text-welcomer = Qualcuno accoglie all'ingresso chi arriva per la prima volta.
feature-text-come_alone = Puoi venire da solo o da sola: lo fanno in tanti.
feature-text-language_light = Non serve parlare bene l'italiano: si parla poco.

access-step_free = Accesso senza gradini
access-accessible_toilet = Bagno accessibile
access-hearing_loop = Anello a induzione per apparecchi acustici
access-sign_language = Lingua dei segni italiana (LIS)
access-seating = Sedie per riposarsi
access-quiet_space = Uno spazio tranquillo
wheelchair-partial = In parte accessibile in sedia a rotelle
wheelchair-full = Accessibile in sedia a rotelle
wheelchair-long-no = Non accessibile in sedia a rotelle.
wheelchair-long-partial = In parte accessibile in sedia a rotelle: chiedi i dettagli a chi organizza.
wheelchair-long-full = Completamente accessibile in sedia a rotelle.

audience-all_ages = tutti, di ogni età
audience-seniors = persone anziane
audience-families = famiglie con bambini
audience-newcomers = chi è arrivato da poco in città
audience-young_adults = giovani adulti

language-it = italiano
language-en = inglese
language-ar = arabo
language-es = spagnolo
language-fr = francese
language-zh = cinese
language-ro = rumeno
language-uk = ucraino
language-de = tedesco
language-pt = portoghese
language-ru = russo
language-tl = filippino
language-bn = bengalese
language-sq = albanese

weekday-1 = lunedì
weekday-2 = martedì
weekday-3 = mercoledì
weekday-4 = giovedì
weekday-5 = venerdì
weekday-6 = sabato
weekday-7 = domenica
month-1 = gennaio
month-2 = febbraio
month-3 = marzo
month-4 = aprile
month-5 = maggio
month-6 = giugno
month-7 = luglio
month-8 = agosto
month-9 = settembre
month-10 = ottobre
month-11 = novembre
month-12 = dicembre
word-and = e
date-words = { $weekday } { $day } { $month }
date-today = oggi, { $date }
date-tomorrow = domani, { $date }
rule-daily = Tutti i giorni
rule-weekly = Ogni { $days }
rule-biweekly = Ogni due settimane: { $days }
rule-monthly = { $nth ->
        [first] { $fem ->
            [yes] La prima
           *[no] Il primo
        }
        [second] { $fem ->
            [yes] La seconda
           *[no] Il secondo
        }
        [third] { $fem ->
            [yes] La terza
           *[no] Il terzo
        }
        [fourth] { $fem ->
            [yes] La quarta
           *[no] Il quarto
        }
       *[last] { $fem ->
            [yes] L'ultima
           *[no] L'ultimo
        }
    } { $day } del mese

activity-status-draft = bozza
activity-status-published = pubblicata
activity-status-paused = sospesa
activity-status-cancelled = annullata
activity-status-explain-draft = Questa bozza la vedono solo le persone dell'organizzazione. Pubblicala perché tutti possano trovarla.
activity-status-explain-paused = L'attività è sospesa: non compare nelle ricerche finché non la riprendi.
activity-status-now = Stato attuale:
activity-cancelled-notice = Questa attività è annullata: i suoi incontri non si terranno.
activity-next-sessions = Prossimi incontri
activity-no-sessions = Al momento non ci sono incontri in programma.
activity-add-calendar = Aggiungi al mio calendario
activity-organizer-tools = Per chi organizza
activity-edit-link = Modifica l'attività
activity-action-publish = Pubblica
activity-action-pause = Sospendi
activity-action-resume = Riprendi
activity-action-cancel = Annulla l'attività…
activity-done-created = Attività salvata.
activity-done-saved = Modifiche salvate.
activity-done-published = L'attività è pubblicata: tutti possono trovarla.
activity-done-paused = L'attività è sospesa: non compare più nelle ricerche.
activity-done-cancelled = L'attività è annullata.
activity-cancel-title = Annulla l'attività
activity-cancel-explain = Tutti i suoi incontri futuri saranno annullati e l'attività non potrà più essere modificata. La pagina resta visibile e dice che è annullata.
activity-cancel-upcoming = Incontri che saranno annullati:
activity-cancel-confirm = Sì, annulla l'attività
activity-cancel-back = No, torna indietro
activity-new-title = Nuova attività
activity-edit-title = Modifica l'attività
activity-form-intro = I campi segnati con * sono obbligatori. Descrivi l'attività in modo semplice: da questa pagina le persone decideranno se venire.
activity-publish-button = Pubblica
activity-draft-button = Salva come bozza
activity-save-button = Salva le modifiche
form-back = Torna indietro senza salvare
form-section-what = Che cosa
form-section-where = Dove
form-section-when = Quando
form-section-cost = Posti e costo
form-section-languages = Lingue
form-section-access = Accessibilità e accoglienza
form-section-practical = Informazioni pratiche
form-interest-general = { $name } (in generale)
field-title = Titolo
hint-title = Breve e chiaro, per esempio: "Gruppo di cammino al Parco Sempione".
hint-activity-description = Che cosa fate, per chi, in poche righe.
field-interests = Interessi
hint-interests = Scegline da 1 a 5.
field-audience = Pensata soprattutto per
hint-audience = Facoltativo: tutti sono sempre benvenuti.
field-venue = Nome del luogo
hint-venue = Per esempio: "Biblioteca Sormani" oppure "Parco Sempione, lato Arena".
hint-meeting-point = Facoltativo. Dove trovarsi di preciso, per esempio: "al cancello laterale".
field-starts-at = Data e ora del primo incontro
hint-starts-at = Per esempio 2026-12-01T10:00, ora di Milano.
field-duration = Durata in minuti
hint-duration = Per esempio 90 per un'ora e mezza.
field-repetition = Si ripete?
hint-repetition = "Ogni mese" si ripete nello stesso giorno della settimana del primo incontro (per esempio, il secondo martedì).
repeat-none = Una volta sola
repeat-weekly = Ogni settimana
repeat-biweekly = Ogni due settimane
repeat-monthly = Ogni mese, nello stesso giorno della settimana
repeat-advanced = Un'altra regola (avanzato)
field-weekdays = Giorni della settimana
hint-weekdays = Per "ogni settimana" e "ogni due settimane". Se non ne spunti nessuno, vale il giorno del primo incontro.
field-rrule = Regola avanzata (RRULE)
hint-rrule = Solo per "Un'altra regola": una RRULE iCalendar, per esempio FREQ=WEEKLY;BYDAY=TU;UNTIL=20270630T000000Z
field-exdates = Date in cui non si tiene
hint-exdates = Facoltativo. Una data per riga, per esempio 2026-12-25.
field-capacity = Posti
hint-capacity = Lascia vuoto se non c'è un limite.
field-cost-kind = Costo
field-cost-amount = Prezzo in euro
hint-cost-amount = Solo per "Un prezzo fisso". Per esempio 5 oppure 7,50.
field-cost-help = Per chi lo chiede c'è un aiuto con il costo
field-languages = Lingue parlate all'attività
hint-languages = Spuntane almeno una.
field-languages-other = Altre lingue
hint-languages-other = Facoltativo. Codici di due lettere separati da virgole, per esempio: de, pt.
field-wheelchair = Accesso in sedia a rotelle
field-accessibility = Nel luogo
field-low-barrier = Per sentirsi a proprio agio
hint-low-barrier = Spunta solo ciò che è vero: le persone ci contano.
hint-what-to-expect = Facoltativo. Come si svolge un incontro, per esempio: "camminiamo piano per un'ora, poi un caffè".
hint-what-to-bring = Facoltativo. Per esempio: scarpe comode, una bottiglia d'acqua.
field-contact-phone = Telefono per informazioni
field-contact-email = E-mail per informazioni

session-cancelled = annullato
session-cancelled-notice = Questo incontro è annullato: non si terrà.
session-moved = Questo incontro è stato spostato. Di solito:
session-add-calendar = Aggiungi questo incontro al mio calendario
session-all-dates = Tutte le date di questa attività
session-edit-link = Modifica
session-edit-title = Modifica un incontro
session-edit-intro = La modifica vale solo per questo incontro; gli altri restano come sono.
session-status-scheduled = Si tiene
session-status-cancelled = Annullato
field-session-status = Questo incontro
field-session-starts-at = Data e ora
field-session-note = Nota per chi partecipa
hint-session-note = Facoltativo. Per esempio: "questa volta ci troviamo al cancello laterale".
session-save-button = Salva
session-done-saved = Incontro salvato.
err-area-missing = Scegli un quartiere dall'elenco.
err-exdate = Scrivi una data per riga, come 2026-12-25.
nav-activities = Trova un'attività
home-find-activities = Cerca le attività vicino a te
activity-confirm-hint = Confermate che le attività del prossimo mese si terranno: le date non confermate appaiono come "da confermare".
activity-confirm-button = Confermo le date del prossimo mese
activity-done-confirmed = Date del prossimo mese confermate.
admin-interests-title = Interessi
admin-interests-intro = Gli interessi con cui si etichettano le attività (due livelli). Un interesse non si cancella mai: si ritira, e resta sulle attività che già lo usano.
interest-deprecated = ritirato
interest-deprecate = Ritira
interest-restore = Ripristina
interest-add-title = Aggiungi un interesse
interest-parent = Sotto
interest-no-parent = (primo livello)
interest-slug = Codice
interest-name-it = Nome in italiano
interest-name-en = Nome in inglese
interest-add-button = Aggiungi
