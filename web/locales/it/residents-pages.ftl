# Pagine dei residenti: i residenti di un linker, il modulo di registrazione con il consenso,
# la scheda del residente, i questionari, i suggerimenti, il proprio profilo, "fatti chiamare".

rp-nav-ask = Fatti chiamare
rp-account-own = Il mio profilo e i suggerimenti
rp-account-linker = Le persone che accompagno

rp-yes = Sì
rp-no = No
rp-not-given = Non indicato
rp-none-chosen = Nessuno
rp-any-time = In qualsiasi momento
rp-slot = { $day } { $part }

# L'elenco del linker
rp-list-title = Le persone che accompagno
rp-list-intro = Le persone che segui come linker, e quelle che hanno chiesto di essere chiamate e aspettano qualcuno.
rp-list-mine = Le mie persone
rp-list-mine-none = Non segui ancora nessuno. Registra una persona che accompagni, oppure prendi in carico qualcuno dalla lista d'attesa qui sotto.
rp-list-awaiting = In attesa di una chiamata
rp-list-awaiting-intro = Queste persone hanno lasciato un numero di telefono e chiesto che un linker le chiami. Prendine in carico una: troverai il numero nella sua scheda.
rp-list-awaiting-none = Nessuno aspetta una chiamata.
rp-col-name = Nome
rp-col-area = Quartiere
rp-col-status = Stato
rp-col-updated = Ultima modifica
rp-col-asked = Richiesta del
rp-col-actions = Azioni
rp-take-button = Prendi in carico
rp-status-active = in carico
rp-status-awaiting_linker = in attesa di una chiamata
rp-status-closed = scheda chiusa
rp-origin-self_account = Iscrizione in autonomia
rp-origin-self_phone = Richiesta di essere chiamati
rp-origin-assisted = Registrazione da parte di un linker

# Il modulo del profilo
rp-new-title = Registra una persona
rp-new-intro = Scrivi quello che la persona ti vuole dire. Servono solo un nome, più o meno dove abita e il consenso all'accompagnamento; il resto rende i suggerimenti migliori.
rp-new-button = Registra
rp-edit-title = Modifica il profilo di { $name }
rp-edit-intro = Cambia ciò che non è più vero. L'indirizzo esatto non viene mai conservato.
rp-save-button = Salva il profilo
rp-form-required-note = I campi con * sono obbligatori.
rp-form-section-person = La persona
rp-form-section-interests = Interessi
rp-form-section-home = Dove abita
rp-form-section-when = Tempo libero
rp-form-section-needs = Esigenze e spesa
rp-form-section-consent = Consenso
rp-field-display-name = Nome o soprannome
rp-hint-display-name = Basta un nome o un soprannome. Gli organizzatori vedono solo questo.
rp-hint-phone = Facoltativo. Non viene mai mostrato agli organizzatori.
rp-hint-email = Facoltativo. Serve solo per inviare suggerimenti per e-mail.
rp-field-locale = Lingua dei messaggi
rp-hint-locale = La lingua delle e-mail che la persona riceve.
rp-field-birth-year = Anno di nascita
rp-hint-birth-year = Facoltativo, per esempio 1948. Nelle statistiche si usa solo la fascia d'età.
rp-field-languages = Lingue parlate
rp-hint-languages = Seleziona tutte le lingue che la persona capisce; le altre si possono scrivere sotto.
rp-hint-interests = Facoltativo. Seleziona un gruppo intero o singoli interessi.
rp-home-intro = Solo in modo approssimativo: un quartiere, oppure un punto che viene trasformato in una cella di quartiere di circa 0,7 km². L'indirizzo esatto non viene mai conservato.
rp-field-keep-cell = Mantieni la cella di quartiere indicata in precedenza
rp-field-home-area = Quartiere
rp-hint-home-area = Il quartiere (NIL) dove abita la persona.
rp-area-none = Scegli un quartiere…
rp-field-home-point = Oppure un punto sulla mappa
rp-hint-home-point = In gradi decimali, per esempio 45,4642 e 9,1900. Viene subito trasformato in una cella di quartiere; il punto non viene conservato.
rp-field-radius = Quanto lontano può andare
rp-hint-radius = A piedi o con i mezzi pubblici, per un'attività.
rp-field-availability = Momenti liberi nella settimana
rp-hint-availability = Seleziona i momenti della settimana in cui la persona è libera. Lascia tutto vuoto se va bene qualsiasi momento.
rp-grid-day = Giorno
rp-field-wheelchair = Usa la sedia a rotelle: suggerisci solo luoghi accessibili
rp-field-accessibility = Altre esigenze sul posto
rp-hint-accessibility = Vengono suggeriti solo i luoghi che le hanno tutte.
rp-field-budget = Quanto può spendere ogni volta
rp-budget-free = Solo attività gratuite
rp-budget-amount = Fino a una cifra
rp-budget-none = Nessun limite
rp-budget-up-to = Fino a { $amount } ogni volta
rp-field-budget-amount = Cifra in euro
rp-hint-budget-amount = Solo per "Fino a una cifra". Per esempio 5 o 7,50.
rp-field-company = Gradisce compagnia la prima volta
rp-field-small-groups = Preferisce i gruppi piccoli

# Consenso
rp-consent-intro = Prima di registrare una persona, leggile che cosa significa ogni consenso e annota che cosa ha risposto. Il consenso all'accompagnamento dei linker è obbligatorio: senza, non si può tenere nessuna scheda.
rp-field-consents = La persona acconsente a
rp-hint-consents = Seleziona solo ciò a cui la persona ha acconsentito.
rp-consent-assisted-care = Accompagnamento dei linker: un linker tiene questa scheda e contatta la persona per le attività (obbligatorio)
rp-consent-assisted-statistics = Conteggio anonimo nelle statistiche del Comune sulla solitudine
rp-consent-assisted-reminders = Ricevere promemoria e suggerimenti per e-mail
rp-field-channel = Come è stato dato il consenso
rp-hint-channel = Il modulo cartaceo firmato è la cosa migliore; un consenso a voce viene registrato con il tuo nome.
rp-channel-signed_paper = Modulo cartaceo firmato
rp-channel-verbal = A voce
rp-channel-online = Online
rp-field-given-by = Dato da
rp-given-by-resident = La persona stessa
rp-given-by-representative = Un rappresentante legale
rp-field-representative = Nome e ruolo del rappresentante legale
rp-hint-representative = Solo se ha acconsentito un rappresentante, per esempio: "Anna Bianchi, amministratrice di sostegno".
rp-hint-given-by = Lascia vuoto se ha acconsentito la persona stessa.
rp-own-consent-intro = Decidi tu a che cosa serve il tuo profilo. Puoi cambiare idea in qualsiasi momento dalla pagina del tuo profilo.
rp-field-own-consents = Acconsento a
rp-hint-own-consents = Tutto facoltativo.
rp-consent-own-care = Accompagnamento di un linker: un volontario o un operatore sociale può vedere il mio profilo e contattarmi
rp-consent-own-statistics = Conteggio anonimo nelle statistiche del Comune sulla solitudine
rp-consent-own-reminders = Ricevere promemoria e suggerimenti per e-mail
rp-err-channel-missing = Indica come è stato dato il consenso.
rp-err-representative-missing = Scrivi il nome e il ruolo del rappresentante legale.
rp-err-purpose-missing = Scegli a che cosa serve il consenso.
rp-err-answer-missing = Scegli una risposta.

# La scheda
rp-file-lead = Scheda della persona. Ogni apertura di questa pagina viene registrata.
rp-file-profile = Profilo
rp-file-linkers = Linker
rp-file-no-linkers = Nessun linker segue questa persona.
rp-linker-since = dal { $when }
rp-file-consents = Consensi
rp-file-consents-intro = Ciò a cui la persona ha acconsentito. Quando ritira un consenso, registralo qui: ciò che ne dipendeva si ferma subito.
rp-file-no-consents = Nessun consenso registrato.
rp-col-purpose = Per
rp-col-given = Dato
rp-consent-active = attivo
rp-consent-withdrawn = ritirato
rp-consent-withdrawn-on = il { $when }, { $channel }
rp-purpose-care = Accompagnamento dei linker
rp-purpose-statistics = Statistiche anonime
rp-purpose-reminders = Promemoria per e-mail
rp-withdraw-channel = Ritirato come
rp-withdraw-button = Ritira
rp-withdraw-care-hint = Ritirare il consenso all'accompagnamento chiude la scheda ai linker, te compreso.
rp-add-consent-title = Registra un consenso
rp-add-consent-button = Registra il consenso
rp-home-cell = Una cella di quartiere (circa 0,7 km²)
rp-home-cell-in = { $area } (una cella di quartiere di circa 0,7 km²)
rp-home-area-and-cell = { $area }, e una cella di quartiere (circa 0,7 km²)
rp-fact-home = Casa
rp-fact-origin = Registrazione
rp-fact-status = Stato
rp-suggestions-link = Attività suggerite
rp-edit-link = Modifica il profilo
rp-back-to-list = Torna alle mie persone
rp-back-to-file = Torna alla scheda

# Questionari
rp-file-questionnaires = Solitudine: i questionari
rp-file-no-questionnaires = Ancora nessun questionario registrato.
rp-col-date = Data
rp-col-questionnaire = Questionario
rp-col-result = Risultato
rp-col-reading = Lettura
rp-lonely = segnala solitudine
rp-not-lonely = non segnala solitudine
rp-instrument-ucla3 = UCLA, tre domande
rp-instrument-ons = Domanda ONS
rp-context-intake = al primo incontro
rp-context-follow_up = verifica successiva
rp-field-context = Quando
rp-ucla-result = Punteggio { $score } su 9
rp-ons-result = Risposta: { $answer }
rp-ucla-title = Scala della solitudine UCLA (tre domande)
rp-ucla-intro = Leggi ogni domanda alla persona e seleziona la sua risposta.
rp-ucla-hint = Ogni risposta vale da 1 a 3; un totale di { $threshold } o più (su 9) si legge come solitudine.
rp-ucla-companionship = Quanto spesso senti la mancanza di compagnia?
rp-ucla-left_out = Quanto spesso ti senti escluso o esclusa?
rp-ucla-isolated = Quanto spesso ti senti isolato o isolata dagli altri?
rp-ucla-answer-hardly_ever = Quasi mai
rp-ucla-answer-some_of_the_time = Qualche volta
rp-ucla-answer-often = Spesso
rp-ucla-button = Registra le risposte
rp-ons-title = La domanda diretta (ONS)
rp-ons-intro = La domanda dell'Ufficio nazionale di statistica britannico. "Spesso o sempre" si legge come solitudine.
rp-ons-question = Quanto spesso ti senti solo o sola?
rp-ons-answer-often_always = Spesso o sempre
rp-ons-answer-some_of_the_time = Qualche volta
rp-ons-answer-occasionally = Ogni tanto
rp-ons-answer-hardly_ever = Quasi mai
rp-ons-answer-never = Mai
rp-ons-button = Registra la risposta

# Accesso di emergenza (amministratori)
rp-break-glass-title = Accesso di emergenza alla scheda di una persona
rp-break-glass-intro = Scrivi perché devi aprire questa scheda, per esempio una richiesta sulla protezione dei dati. La scheda si apre per un tempo limitato, in sola lettura, e il motivo viene registrato.
rp-break-glass-hint = Almeno 10 caratteri.
rp-break-glass-button = Apri la scheda
rp-break-glass-open = Accesso di emergenza, in sola lettura e registrato. Motivo: { $reason }

# Suggerimenti
rp-suggestions-title = Attività per { $name }
rp-suggestions-lead = Scelte per { $name }, vicino a casa (entro { $radius }). Preparato { $date }.
rp-suggestions-tools = Per il linker
rp-suggestions-print = Per dare un foglio alla persona, stampa questa pagina: pulsanti e moduli non compaiono sulla carta.
rp-suggestions-none = Per ora non c'è niente da suggerire a portata di mano. Prova una distanza maggiore o meno esigenze nel profilo, oppure riguarda tra qualche giorno.
rp-suggestions-footer = Se qualcosa non è chiaro, chiedi al tuo linker: può anche accompagnarti la prima volta.
rp-card-where = Dove
rp-card-organization = Organizza
rp-card-seats = Gruppo
rp-card-why = Perché questa
rp-seats = fino a { $count } persone
rp-send-button = Invia per e-mail
rp-send-failed = L'e-mail non è stata inviata
rp-dismiss-reason = Perché non fa al caso suo
rp-dismiss-hint = Facoltativo. Verrà suggerita meno per un po'.
rp-dismiss-button = Non fa al caso suo

# Avvisi
rp-done-created = La persona è registrata.
rp-done-taken = Ora segui questa persona: chiamala presto.
rp-done-saved = Il profilo è salvato.
rp-done-questionnaire = Il questionario è registrato.
rp-done-consent = Il consenso è registrato.
rp-done-withdrawn = Il consenso è ritirato.
rp-done-care-withdrawn = Il consenso all'accompagnamento è ritirato: la scheda ora è chiusa ai linker.
rp-done-sent = L'attività è stata inviata per e-mail.
rp-done-dismissed = Messa da parte: verrà suggerita meno per un po'.
rp-done-glass = L'accesso di emergenza è aperto, in sola lettura.

# Il proprio profilo
rp-own-title = Il mio profilo
rp-own-intro = Quello che ci hai detto per trovare attività adatte a te. Lo vedi solo tu, e i linker a cui lo permetti.
rp-own-new-title = Crea il mio profilo
rp-own-new-intro = Raccontaci qualcosa di te e ti suggeriremo attività semplici vicino a te, spiegando perché. Servono solo un nome e più o meno dove abiti.
rp-own-new-button = Crea il mio profilo
rp-own-edit-title = Modifica il mio profilo
rp-own-suggestions = Attività per te
rp-own-consents = A che cosa ho acconsentito
rp-own-consents-intro = Puoi ritirare un consenso in qualsiasi momento: ciò che ne dipendeva si ferma subito.
rp-own-give-consent = Puoi anche acconsentire a
rp-own-give-button = Acconsento

# Fatti chiamare
rp-ask-title = Fatti chiamare
rp-ask-lead = Senza account e senza e-mail: lascia il tuo nome e un numero di telefono, e un linker ti chiamerà.
rp-ask-intro = Un linker è un volontario o un operatore sociale della rete del Comune. Ti chiamerà, ascolterà che cosa ti piacerebbe fare e ti aiuterà a trovare attività vicino a te, magari accompagnandoti la prima volta.
rp-ask-first-name = Il tuo nome
rp-ask-first-name-hint = O il nome con cui preferisci che ti chiamino.
rp-ask-phone-hint = Il numero a cui il linker chiamerà.
rp-ask-area = Il tuo quartiere
rp-ask-area-hint = Facoltativo. Aiuta un linker vicino a te a chiamarti.
rp-ask-area-none = Preferisco non dirlo
rp-ask-consent-explained = In parole semplici: un linker ti chiamerà e terrà una breve scheda con il tuo nome, il tuo numero e quello che gli racconti, solo per aiutarti a trovare attività. Nessun altro la vede. Puoi chiedere di ritirarti in qualsiasi momento, e la scheda viene chiusa.
rp-ask-consent-care = Acconsento a ricevere una chiamata e a far tenere una breve scheda
rp-ask-consent-statistics = Acconsento anche al conteggio anonimo nelle statistiche del Comune sulla solitudine (facoltativo)
rp-ask-button = Chiedi una chiamata
rp-ask-other-ways = Puoi anche cercare le attività per conto tuo, senza dare nessun nome.
rp-thanks-title = Grazie
rp-thanks-next = Tieni il telefono vicino nei prossimi giorni: la chiamata può arrivare da un numero che non conosci.
rp-thanks-withdraw = Se cambi idea, dillo al linker quando ti chiama: la tua scheda verrà chiusa.
rp-thanks-browse = Guarda le attività vicino a te

rp-care-withdrawn-title = Consenso all'accompagnamento ritirato
rp-care-withdrawn-intro = Se la persona ha accettato di nuovo di essere accompagnata, registra qui il nuovo consenso: la scheda si riapre subito. Fino ad allora non viene mostrato nient'altro della scheda.
rp-care-withdrawn-back = Torna alle mie persone
