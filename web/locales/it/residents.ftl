# Residenti, consenso, questionari e suggerimenti (API e messaggi condivisi).

err-consent-care-withdrawn = Questa persona ha ritirato il consenso all'accompagnamento: la sua scheda è chiusa ai linker finché non lo dà di nuovo.
err-break-glass-read-only = L'accesso d'emergenza permette a un amministratore di leggere una scheda, non di modificarla.
err-break-glass-needed = Gli amministratori possono aprire la scheda di un residente solo con l'accesso d'emergenza, indicando un motivo che viene registrato.
err-resident-forbidden = Non sei tra i linker di questa persona, quindi non puoi vedere la sua scheda. Il tentativo è stato registrato.
err-linker-only = Solo i linker accreditati possono farlo.
err-consent-care-required = Registra prima il consenso della persona all'accompagnamento: senza, non si può tenere una scheda.
err-resident-exists = Hai già un profilo.
err-resident-already-taken = Un altro linker ha già preso in carico questa persona.
err-no-such-linker = Non c'è un linker accreditato con questo indirizzo e-mail.
err-consent-not-given = Non c'è un consenso attivo per questo scopo da ritirare.
err-answers-count = Rispondi a tutte le domande del questionario (tre per UCLA, una per la domanda ONS).
err-answers-range = Una risposta è fuori dalla scala del questionario (UCLA: da 1 a 3; ONS: da 1 a 5).
err-break-glass-reason = Scrivi perché devi aprire questa scheda (almeno 10 caratteri).
err-home-missing = Indica più o meno dove vive la persona: un punto sulla mappa o il quartiere.
err-consent-reminders-missing = Questa persona non ha accettato di ricevere messaggi: chiediglielo prima e registra il consenso.
err-resident-no-email = Nella scheda di questa persona non c'è un indirizzo e-mail.
err-birth-year = Scrivi un anno tra il 1900 e dieci anni fa, oppure lascia vuoto.
err-too-many-items = Troppe scelte: tieni le più importanti.
err-home-cell = Questa non è una cella di quartiere valida (H3, risoluzione 8 o meno fine).
err-unknown-area = Questo quartiere non è tra le aree della città.
err-travel-radius = Scegli una distanza tra 500 m e 5 km.

contact-request-thanks = Grazie. Un linker ti chiamerà presto.

reason-distance = a { $distance } da casa
reason-interests = ti piace: { $names }
reason-interests-related = vicino a ciò che ti piace: { $names }
reason-free = gratuito
reason-pay-what-you-can = offerta libera
reason-within-budget = { $cost }, nel budget
reason-welcomer = qualcuno accoglie chi arriva per la prima volta
reason-first-timer = adatto a chi viene la prima volta
reason-come-alone = si può venire da soli
reason-small-group = un piccolo gruppo ({ $capacity } posti)
reason-when-free = { $day } { $part }, quando sei libero
reason-part-morning = mattina
reason-part-afternoon = pomeriggio
reason-part-evening = sera
reason-language = in { $language }
reason-language-light = non serve parlare molto
reason-wheelchair = accessibile in sedia a rotelle
reason-accessibility = ha ciò che ti serve: { $features }
reason-waitlist = per ora al completo: entreresti in lista d'attesa

mail-suggestion-subject = Un'attività per te: { $title }
mail-suggestion-body = Ciao { $name },

    { $sender } ha pensato che questa attività potrebbe piacerti:

    { $title }
    { $when }
    { $venue }

    Dettagli: { $link }

    Ricevi questo messaggio perché hai accettato di ricevere promemoria da Legami. Puoi ritirare il consenso in qualsiasi momento dicendolo al tuo linker.
