# Pagine del registro di chi organizza (presenze, codice per la porta, chiusura) e delle
# proposte dei linker (nella scheda della persona e nella sua pagina), con le prenotazioni.

## Il registro

# Per la pagina dell'incontro, per chi organizza (le pagine delle attività portano qui).
reg-open-link = Registro delle presenze
reg-title = Registro: { $title }
reg-jump-list = Vai all'elenco di chi viene
reg-summary = In breve
reg-sum-people = Persone con un posto
reg-sum-seats = Posti occupati
reg-seats-of = { $taken } su { $capacity }
reg-seats-no-limit = { $taken } (nessun limite)
reg-sum-left = Posti ancora liberi
reg-sum-waiting = In lista d'attesa
reg-sum-held = Posti tenuti per chi arriva da un linker
reg-sum-here = Presenti finora
reg-sum-away = Assenti finora
reg-code-title = Codice per segnarsi all'arrivo
reg-code-intro = Chi arriva può segnarsi da solo: apre la sua prenotazione e scrive questo codice. Dillo a voce o appendilo alla porta.
reg-code-print = Stampa il codice per la porta
reg-coming = Chi viene
reg-coming-none = Nessuno ha ancora un posto.
reg-marks-from = Potrai segnare le presenze da { $when }.
reg-marks-hint = Per ogni persona tocca «Presente» o «Assente». Puoi correggere quando vuoi.
reg-referred = da un linker
reg-mark-label = Stato:
reg-mark-attended = presente
reg-mark-no-show = assente
reg-mark-none = non ancora segnato
reg-saved = Salvato: { $name }.
reg-method-list = dall'elenco
reg-method-code = con il codice
reg-method-register_closed = alla chiusura del registro
reg-method-automatic = chiusura automatica
reg-fact-companion = Accompagnatore
reg-companion = { $who } ({ $seats } posti in tutto)
reg-companion-linker = il suo linker
reg-companion-volunteer = un volontario
reg-fact-needs = Esigenze (condivise dalla persona)
reg-needs-wheelchair = Usa la sedia a rotelle
reg-fact-contact = Contatto (condiviso dalla persona)
reg-fact-said = Cosa dice la persona
reg-said-went = Presente, secondo la persona
reg-said-did_not_go = Assente, secondo la persona
reg-disagree = Il registro e la persona dicono cose diverse: teniamo tutte e due le risposte.
reg-here-button = Presente
reg-away-button = Assente
reg-waiting = Lista d'attesa
reg-waiting-none = Nessuno è in lista d'attesa.
reg-waiting-hint = In ordine di arrivo: se un posto si libera, lo prende la prima persona della lista.
reg-close-section = Chiudi il registro
reg-close-explain = Quando l'incontro è finito, chiudi il registro. Chi non è segnato né presente né assente sarà contato come assente. Dopo potrai ancora correggere ogni riga.
reg-close-link = Chiudi il registro…
reg-back-to-session = Torna alla pagina dell'incontro
reg-err-title = Non è stato salvato
reg-err-choose-mark = Scegli «Presente» o «Assente».
reg-closed-notice = Il registro è chiuso. Puoi ancora correggere le presenze.
reg-done-closed = Il registro è chiuso. Chi non era segnato ora risulta assente.

## Chiudere il registro

reg-close-title = Chiudere il registro?
reg-closed-already = Il registro è già chiuso.
reg-back-to-register = Torna al registro
reg-close-all-marked = Tutte le persone sono già segnate.
reg-close-unmarked = Non ancora segnate: diventeranno assenti
reg-close-not-started = L'incontro non è ancora cominciato: potrai chiudere il registro da { $when }.
reg-close-button = Sì, chiudi il registro
reg-close-cancel = No, torna al registro

## Il codice per la porta

reg-door-title = Codice per segnare la presenza
reg-door-how = Apri la tua prenotazione su Legami e scrivi questo codice. Non hai il telefono? Dillo a chi organizza.
reg-door-print-hint = Stampa questa pagina dal menu del browser («Stampa»): sul foglio escono solo l'incontro e il codice, in grande.

## Le proposte dei linker

prop-title = Proposte
prop-intro = Le attività che hai proposto a { $name } e come ha risposto. Una proposta senza risposta scade dopo qualche giorno, o quando l'incontro comincia.
prop-new-link = Proponi un'attività (dai suggerimenti)
prop-none = Nessuna proposta per ora.
prop-expires = risposta entro { $when }
prop-fact-by = Proposta da
prop-by-resident = la persona stessa
prop-fact-note = Messaggio
prop-fact-goes-along = Accompagnamento
prop-goes-along = Il linker va insieme la prima volta.
prop-fact-answer = Risposta
prop-answer-yes = Sì, { $how }
prop-answer-no = No, { $how }
prop-answer-with-reason = { $how }: «{ $reason }»
prop-fact-booking = Prenotazione
prop-history = Storia della proposta
prop-history-by = da { $who }
prop-history-by-resident = dalla persona stessa
prop-status-proposed = In attesa di risposta
prop-status-accepted = Accettata
prop-status-declined = Rifiutata
prop-status-expired = Scaduta senza risposta
prop-status-attended = Presente all'incontro
prop-status-did_not_attend = Assente all'incontro
prop-status-cancelled = Prenotazione annullata
prop-event-proposed = Proposta
prop-event-accepted = Accettata
prop-event-declined = Rifiutata
prop-event-expired = Scaduta senza risposta
prop-event-attended = Presente all'incontro
prop-event-did_not_attend = Assente all'incontro
prop-event-cancelled = Prenotazione annullata
prop-channel-online = online
prop-channel-phone = per telefono
prop-channel-in_person = di persona
prop-channel-signed_paper = con un foglio firmato
prop-channel-register = dal registro di chi organizza
prop-channel-participant = dalla persona
prop-channel-linker = dal linker
prop-channel-link = con il link dell'e-mail
prop-channel-automatic = in automatico
prop-record-title = Registra la risposta
prop-answer-how = Come ha risposto { $name }?
prop-answer-how-hint = Serve a sapere, anche dopo, come ha detto sì o no. Se ha accettato, il posto è prenotato subito (o un posto in lista d'attesa, se è pieno).
prop-answer-channel-phone = Per telefono
prop-answer-channel-in_person = Di persona
prop-answer-channel-signed_paper = Su un foglio firmato
prop-session-label = Quale giorno?
prop-share-legend = Cosa può vedere chi organizza (facoltativo)
prop-share-contact = Il suo telefono o la sua e-mail
prop-share-needs = Le sue esigenze di accessibilità
prop-reason-label = Il motivo, se ha detto di no (facoltativo)
prop-reason-hint = Per esempio: «il martedì non posso». Aiuta a proporre meglio la prossima volta.
prop-accepted-button = Ha accettato
prop-declined-button = Ha rifiutato
prop-answer-failed = La risposta non è stata registrata
prop-failed = La proposta non è stata registrata
prop-err-decision = Scegli se ha accettato o rifiutato.
prop-err-channel-missing = Scegli come ha risposto: per telefono, di persona o su un foglio firmato.
prop-err-session-missing = Scegli un giorno.
prop-done-proposed = Proposta registrata. La trovi qui sotto, in attesa di risposta.
prop-done-accepted = Risposta registrata: sì.
prop-done-declined = Risposta registrata: no, grazie.

## Proporre un suggerimento

prop-propose-title = Proponi questa attività
prop-note-label = Un messaggio per la persona (facoltativo)
prop-note-hint = Per esempio dove vi incontrate. Lo vedono la persona e i suoi linker, non chi organizza.
prop-goes-along-label = La prima volta vado anch'io (serve un posto in più)
prop-propose-button = Proponi

## Le prenotazioni nella scheda

prop-bookings-title = Prenotazioni
prop-bookings-upcoming = In programma
prop-bookings-upcoming-none = Nessuna prenotazione in programma.
prop-bookings-past = Passate
prop-bookings-past-none = Nessuna prenotazione passata.
prop-booking-confirmed = Posto confermato
prop-booking-waitlisted = In lista d'attesa: numero { $place }
prop-booking-unconfirmed = In attesa di conferma per e-mail
prop-booking-cancelled = Annullata
prop-fact-companion = Accompagnatore
prop-companion = { $who } (un posto in più)
prop-companion-linker = il linker
prop-companion-volunteer = un volontario
prop-fact-attendance = Registro di chi organizza
prop-attendance-attended = Presente
prop-attendance-no_show = Assente
prop-fact-said = Cosa dice la persona
prop-said-went = Presente, secondo la persona
prop-said-did_not_go = Assente, secondo la persona
prop-said-welcome = si è trovata bene
prop-said-return = ci tornerebbe
prop-disagree = Il registro e la persona dicono cose diverse: teniamo tutte e due le risposte.

## Nella propria pagina

prop-own-title = Proposte per te
prop-own-intro = Il tuo linker ti propone queste attività. Dicci se vuoi andare: se dici sì, il posto è prenotato subito.
prop-own-none = Per ora non hai proposte.
prop-own-session-label = Quale giorno?
prop-own-share-legend = Cosa può vedere chi organizza (facoltativo)
prop-own-share-contact = Il mio telefono o la mia e-mail
prop-own-share-needs = Le mie esigenze di accessibilità
prop-own-reason-label = Se non vuoi andare, puoi dirci perché (facoltativo)
prop-own-reason-hint = Lo vede solo il tuo linker.
prop-own-yes = Sì, prenotami
prop-own-no = No, grazie
