# Pagine per chi partecipa: posti e iscrizione nella pagina di un incontro, il risultato,
# il link personale per vedere, confermare o annullare, le mie prenotazioni, il check-in
# e "com'è andata". E il campo dei posti tenuti per i linker nel modulo dell'attività.

bp-nav-bookings = Le mie prenotazioni
bp-account-bookings = Le mie prenotazioni

# Posti e iscrizione (pagina dell'incontro)
bp-jump-to-join = Vai all'iscrizione
bp-join-title = Posti e iscrizione
bp-seats-capacity = Posti in tutto
bp-seats-left = Posti ancora liberi
bp-seats-no-limit = Nessun limite: c'è posto per tutti
bp-seats-coming = Persone iscritte
bp-seats-waiting = Persone in lista d'attesa
bp-seats-held = { $count } posti sono tenuti per le persone accompagnate da un linker. Poco prima dell'incontro, se nessuno li prende, tornano liberi per tutti.
bp-seats-full = I posti sono finiti, ma puoi metterti in lista d'attesa. Se qualcuno rinuncia, il primo della lista prende il posto da solo.
bp-closed-cancelled = Questo incontro è annullato: non ci si può iscrivere.
bp-closed-started = Questo incontro è già iniziato: non ci si può più iscrivere.
bp-closed-not-open = Per ora non ci si può iscrivere a questa attività.
bp-join-button = Voglio partecipare
bp-join-waitlist-button = Mettimi in lista d'attesa
bp-with-someone = Viene qualcuno con me (serve un secondo posto)
bp-share-contact = L'organizzatore può vedere come contattarmi
bp-share-needs = L'organizzatore può vedere le mie esigenze di accessibilità (quelle scritte nel mio profilo)
bp-you-are-booked = Hai già prenotato questo incontro.
bp-see-booking = Vedi la prenotazione
bp-cancel-button = Annulla il mio posto
bp-cancel-hint = Se non puoi venire, annulla: il posto passa a chi aspetta.

# Un linker iscrive una persona che accompagna
bp-for-resident-title = Iscrivi una persona che accompagni
bp-for-resident-intro = La persona vede l'iscrizione nel suo profilo. L'organizzatore vede solo il suo nome o soprannome, e solo quello che la persona accetta di fargli vedere.
bp-field-resident = Per chi è l'iscrizione
bp-field-companion = Chi la accompagna
bp-hint-companion = Chi accompagna occupa anche lui un posto.
bp-companion-choice-none = Nessuno: la persona va da sola
bp-companion-choice-linker = Vado io con la persona
bp-companion-choice-volunteer = Va con la persona un volontario
bp-r-share-contact = La persona accetta che l'organizzatore veda come contattarla
bp-r-share-needs = La persona accetta che l'organizzatore veda le sue esigenze di accessibilità
bp-for-resident-button = Iscrivi questa persona

# Iscrizione senza account
bp-guest-intro = Non serve un account. Lascia il tuo nome e un'e-mail oppure un numero di telefono.
bp-field-first-name = Il tuo nome
bp-hint-first-name = Basta il nome di battesimo.
bp-contact-legend = Come possiamo raggiungerti
bp-contact-hint = Scrivi un'e-mail oppure un numero di telefono: ne basta uno. L'organizzatore vedrà il contatto che lasci, per avvisarti se qualcosa cambia.
bp-hint-email = Con l'e-mail ti mandiamo un link: aprilo per confermare il posto.
bp-hint-phone = Con il telefono il posto è subito tuo.
bp-guest-have-account = Hai un account?

# Risultato
bp-result-confirmed-title = Hai un posto!
bp-result-waitlisted-title = Sei in lista d'attesa
bp-result-check-email-title = Controlla la tua e-mail
bp-result-already-title = Avevi già prenotato
bp-check-email-text = Ti abbiamo mandato un'e-mail con un link. Aprilo per confermare il tuo posto.
bp-check-email-hold = Finché non confermi, il posto non è ancora tuo.
bp-check-email-spam = Non trovi l'e-mail? Guarda anche nella posta indesiderata (spam).
bp-already-text = Avevi già prenotato questo incontro con questo contatto. Per vedere o annullare l'iscrizione usa il link che ti abbiamo dato (o quello nell'e-mail).
bp-back-to-session = Torna all'incontro

# Il link personale
bp-keep-link-title = Tieni questo link
bp-keep-link-text = È il tuo link personale: ti permette di vedere la prenotazione e di annullarla, senza account. Salvalo, stampalo o scrivilo da qualche parte.
bp-keep-link-hint = Non darlo ad altri: chi ha il link può annullare il tuo posto.

# La prenotazione
bp-booking-title = La tua prenotazione
bp-fact-status = Stato
bp-fact-who = A nome di
bp-fact-companion = Chi accompagna
bp-status-confirmed = Posto confermato
bp-status-confirmed-text = Hai un posto. Ti aspettiamo!
bp-status-attended-text = La tua presenza è registrata. Grazie!
bp-status-no-show-text = Per l'organizzatore risulti assente. Se invece c'eri, diccelo qui sotto.
bp-status-waitlisted = In lista d'attesa
bp-status-waitlisted-text = Sei in lista d'attesa, al posto numero { $place }. Se qualcuno rinuncia, chi è primo in lista prende il posto da solo.
bp-status-waitlisted-first = Sei al primo posto della lista d'attesa: il prossimo posto che si libera è tuo.
bp-status-waitlisted-plain = Sei in lista d'attesa. Se qualcuno rinuncia, chi è primo in lista prende il posto da solo.
bp-status-unconfirmed = Da confermare
bp-status-unconfirmed-text = Aspettiamo la tua conferma: apri il link nell'e-mail che ti abbiamo mandato.
bp-status-cancelled = Annullata
bp-status-cancelled-text = Questa prenotazione è annullata.
bp-companion-volunteer-text = Viene qualcuno con te (2 posti).
bp-companion-linker-text = Viene il linker che accompagna (2 posti).
bp-confirm-intro = Premi il pulsante per confermare. Se i posti sono finiti, entri in lista d'attesa.
bp-confirm-button = Conferma il mio posto
bp-done-already = Avevi già prenotato questo incontro: ecco la tua prenotazione.
bp-done-confirmed = Grazie, hai confermato.
bp-done-cancelled = Fatto: il tuo posto è annullato. Grazie di avercelo detto, così passa a chi aspetta.
bp-done-checked-in = La tua presenza è registrata. Buon incontro!
bp-done-reported = Grazie per la risposta.
bp-all-my-bookings = Tutte le mie prenotazioni

# Check-in e com'è andata
bp-field-code = Codice dell'incontro
bp-hint-code = Sono 4 cifre: le trovi esposte sul posto, o chiedile a chi organizza.
bp-checkin-button = Sono qui
bp-report-title = Com'è andata?
bp-report-went = Sì, ho partecipato
bp-report-not = No, non ho partecipato
bp-report-said-went = Ci hai detto che hai partecipato.
bp-report-said-not = Ci hai detto che non hai partecipato.
bp-report-welcome = Mi hanno accolto bene
bp-report-back = Ci tornerei
bp-report-welcome-said = Ti hanno accolto bene.
bp-report-back-said = Ci torneresti.

# Le mie prenotazioni
bp-mine-title = Le mie prenotazioni
bp-mine-upcoming = Prossimi incontri
bp-mine-earlier = Incontri passati o annullati
bp-mine-none = Non hai iscrizioni a incontri in arrivo.
bp-mine-find = Trova un'attività

# Errori delle pagine
err-bp-resident-choose = Scegli la persona da iscrivere.
err-bp-resident-unknown = Questa persona non è tra quelle che accompagni.
err-bp-code-missing = Scrivi il codice di 4 cifre esposto sul posto.
err-bp-report-choose = Dicci se hai partecipato oppure no.

# Modulo dell'attività: posti tenuti per chi arriva con un linker
bp-field-reserved-seats = Posti tenuti per chi arriva con un linker
bp-hint-reserved-seats = Facoltativo. Quanti posti tenere per le persone accompagnate da un linker. Se nessuno li prende, tornano liberi per tutti { $hours } ore prima di ogni incontro.
err-reserved-seats = I posti tenuti per i linker devono essere un numero da 1 al numero dei posti, e serve un numero di posti (lascia vuoto se non ne vuoi tenere).
