# Partecipare: iscrizioni, lista d'attesa, proposte dei linker, registro e check-in.

err-guest-name-missing = Scrivi il tuo nome: basta il nome di battesimo.
err-guest-name-invalid = Scrivi un nome di al massimo 60 caratteri, senza simboli strani.
err-guest-contact-missing = Lascia un indirizzo e-mail o un numero di telefono, così possiamo avvisarti se qualcosa cambia.
err-phone-invalid = Questo numero di telefono non sembra giusto: scrivi da 6 a 15 cifre, con il prefisso se non è italiano.
err-companion-linker-only = Solo il linker che prenota per una persona può segnarsi come accompagnatore. Se viene con lei un volontario, scegli «volontario».
err-join-already = Hai già un posto (o un posto in lista d'attesa) per questo incontro.
err-join-org-suspended = L'organizzazione di questa attività è sospesa: per ora non si può partecipare.
err-join-session-cancelled = Questo incontro è stato annullato. Guarda le prossime date dell'attività.
err-join-activity-paused = Per ora le iscrizioni a questa attività sono sospese.
err-join-session-past = Questo incontro è già iniziato o è passato: scegli una delle prossime date.
err-booking-link-invalid = Questo link non è valido. Controlla di averlo copiato per intero dal messaggio.
err-cancel-session-started = L'incontro è già iniziato, quindi non si può più annullare.
err-checkin-not-confirmed = Il check-in si fa solo con un posto confermato.
err-checkin-closed = Il check-in non è aperto adesso: si apre poco prima dell'inizio e si chiude quando l'organizzatore chiude il registro.
err-checkin-code-wrong = Il codice non è quello giusto. Controlla il codice esposto sul posto e riprova.
err-register-organizers-only = Solo chi organizza questa attività può vedere e compilare il registro.
err-register-too-early = È presto per segnare le presenze: si può fare a partire da due ore prima dell'inizio.
err-register-not-confirmed = Nel registro si segnano solo le persone con un posto confermato.
err-register-not-started = Il registro si può chiudere solo dopo l'inizio dell'incontro.
err-register-session-cancelled = Questo incontro è stato annullato: non c'è un registro da chiudere e nessuno risulta assente.
err-report-not-confirmed = Puoi dirci com'è andata solo per un incontro in cui avevi un posto confermato.
err-report-too-early = L'incontro non è ancora iniziato: potrai dirci com'è andata dopo.
err-referral-linkers-only = Solo i linker che seguono questa persona possono proporle un'attività.
err-referral-target-missing = Scegli l'attività o l'incontro da proporre.
err-referral-session-mismatch = Questo incontro non fa parte dell'attività proposta.
err-referral-channel = Indica come la persona ha risposto: per telefono, di persona o su un foglio firmato.
err-referral-expired = Questa proposta è scaduta senza risposta. Se va ancora bene, il linker può farne una nuova.
err-referral-answered = A questa proposta è già stata data una risposta.
err-referral-pick-session = Scegli a quale incontro partecipare.

join-mail-a-session = un incontro
join-mail-confirm-subject = Conferma la tua iscrizione: { $title }
join-mail-confirm-body = Ciao { $name },

    grazie per l'iscrizione a «{ $title }» del { $when }.

    Manca un solo passo: apri questo link e conferma l'iscrizione.

    { $link }

    Se nel frattempo i posti sono finiti, entri in lista d'attesa e dallo stesso link vedi il tuo turno. Se poi non riesci a venire, dallo stesso link puoi anche annullare: così il posto passa a qualcun altro.

    Se non hai chiesto tu questa iscrizione, ignora pure questo messaggio: senza conferma non succede nulla.
