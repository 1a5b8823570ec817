"""Italian wording for the labelled verdict set (data only)."""

# ruff: noqa: E501  (sentences of a letter read better unbroken)

LANGUAGE = "it"
NAMES = (
    "On. Marco Bianchi",
    "Sig.ra Ferrari",
    "Dott. Luca Romano",
    "Giulia Esposito",
    "Onorevole Greco",
)
LABELS = {"amount": "Importo", "wallet": "Indirizzo", "deadline": "Scadenza"}

POS = {
    "demand_later": [
        "Rispondi OK entro {hours} ore e ti dirò come pagare {amount}.",
        "I dati per il pagamento sono nell'immagine. {amount}, non si tratta.",
    ],
    "open": ("Salve.", "Ascolta bene.", "", "Buongiorno."),
    "open_named": ("{name},", "Gentile {name},", "Ciao {name}."),
    "hack": (
        "Qualche mese fa sono entrato nel tuo computer tramite un link che hai aperto. Da allora "
        "vedo tutto quello che compare sul tuo schermo.",
        "Sul tuo cellulare gira da settimane il mio programma. Ho copia delle tue chat, delle "
        "tue foto e di tutta la rubrica.",
        "Ho violato la casella di posta che usi per lavoro e ho ancora accesso.",
    ),
    "record": (
        "Mentre guardavi video per adulti ho acceso la tua webcam e ti ho filmato.",
        "Ho montato un video: da una parte il sito porno che visitavi, dall'altra la tua faccia.",
        "Ho una registrazione di te in un momento molto intimo. È imbarazzante.",
    ),
    "photo": (
        "Guarda l'immagine allegata. Sei tu, e non ne esci bene.",
        "Ho delle foto tue che chiuderebbero la tua carriera il giorno stesso in cui uscissero.",
        "Ti riconoscerai nelle immagini allegate. Sono esplicite.",
        "Qualcuno mi ha passato foto di te nudo e sembrano autentiche.",
    ),
    "secret": (
        "So della tua relazione segreta con una collaboratrice e ho i messaggi.",
        "Ho documenti che mostrano dove sono finite davvero le donazioni.",
    ),
    "harm": (
        "Sappiamo dove abiti e quale scuola frequentano i tuoi figli.",
        "Abbiamo seguito la tua auto per tutta la settimana. La prossima volta non ci limiteremo a seguirti.",
    ),
    "threat": (
        "Se non ricevo quello che chiedo, invierò tutto ai tuoi contatti, ai colleghi e alla stampa.",
        "Altrimenti il video arriverà alla tua famiglia e a tutti i giornalisti che trovo.",
        "Se rifiuti, pubblicherò il materiale su tutti i social network.",
        "Tua moglie, i tuoi colleghi e i tuoi elettori riceveranno una copia.",
        "Se ignori questo messaggio, le immagini saranno pubblicate con il tuo nome. Rovinerò la tua carriera.",
    ),
    "demand": (
        "Paga {amount} in {coin} su questo portafoglio: {wallet}",
        "Il prezzo del mio silenzio è {amount}. Invialo in {coin} a {wallet}.",
        "Trasferisci l'equivalente di {amount} in {coin} all'indirizzo qui sotto:\n{wallet}",
        "Quello che voglio è semplice: {amount}. Indirizzo {coin}: {wallet}",
    ),
    "deadline": (
        "Hai {hours} ore da quando apri questa email.",
        "La scadenza è di {hours} ore, il conto alla rovescia è già partito.",
        "Aspetto fino a domani a mezzanotte, non un minuto di più.",
        "Fallo entro {hours} ore.",
    ),
    "secrecy": (
        "Non rispondere a questo messaggio, l'indirizzo non è mio.",
        "Non dirlo a nessuno e non andare alla polizia. Se contatti la polizia, pubblico subito.",
        "Questa email non è rintracciabile.",
    ),
    "after": (
        "Appena arriva il pagamento cancello tutto e non sentirai più parlare di me.",
        "Paga e finisce qui.",
    ),
    "subject": (
        "La tua privacy",
        "Avviso di sicurezza",
        "{name}",
        "So cosa hai fatto",
        "Ultimo avviso",
        "Le tue foto",
    ),
}

NEG = {
    "exchange": (
        (
            "Prelievo confermato",
            "Il tuo prelievo di {amount} in {coin} verso {wallet} è stato elaborato. Se non sei stato tu, contatta l'assistenza entro 24 ore per bloccare il conto.",
        ),
        (
            "Nuovo indirizzo di deposito",
            "Ciao {name}, il tuo nuovo indirizzo di deposito {coin} è {wallet}. Invia solo {coin} a questo indirizzo.",
        ),
    ),
    "crypto_invest": (
        (
            "Raddoppia i tuoi bitcoin in 48 ore",
            "Gentile investitore,\n\nIl nostro algoritmo ha reso il 212% nell'ultimo trimestre. Invia 0,05 "
            "{coin} o più a {wallet} entro {hours} ore e ricevi il doppio. Posti limitati.",
        ),
        (
            "Prevendita token: chiude venerdì",
            "Ciao {name}, la prevendita GreenChain termina venerdì. Acquista ora a {amount} ogni 1.000 token "
            "inviando {coin} a {wallet}. Non è una consulenza finanziaria.",
        ),
    ),
    "phishing": (
        (
            "Azione richiesta: verifica la tua casella",
            "Gentile utente,\n\nAbbiamo rilevato un accesso insolito. La tua casella sarà sospesa entro "
            "{hours} ore se non confermi la tua identità:\nhttps://secure-mail-check.test/verify",
        ),
        (
            "Il tuo pacco è in giacenza",
            "Ciao {name}, non è stato possibile consegnare il pacco. Paga i diritti doganali di {amount} "
            "entro 24 ore: https://parcel-fee.test/pay",
        ),
    ),
    "bitcoin_news": (
        (
            "Mercati: il bitcoin arretra",
            "Il bitcoin è sceso del 6% martedì a {amount} per prese di profitto. Ether e le altre "
            "criptovalute hanno seguito.",
        ),
        (
            "La polizia avverte: email di sextortion",
            "La polizia mette in guardia da email in cui il mittente sostiene di aver violato la webcam del "
            "destinatario e chiede un pagamento in bitcoin entro poche ore. Non bisogna pagare e occorre "
            "sporgere denuncia.",
        ),
    ),
    "video_complaint": (
        (
            "Il video del suo intervento",
            "{name},\n\nHo visto il video del suo intervento sulla casa e sono rimasto deluso dalle sue parole "
            "sugli inquilini. Anche i miei vicini l'hanno visto. Mi aspetto delle scuse.",
        ),
    ),
    "invoice": (
        (
            "Fattura FT-{n}",
            "Gentile {name},\n\nin allegato la fattura FT-{n} per il catering. Importo: {amount}. Pagamento "
            "entro {days} giorni sul conto indicato.\n\nAmministrazione",
        ),
        (
            "Sollecito di pagamento",
            "Dai nostri registri la fattura {n} risulta ancora aperta. La preghiamo di versare {amount} entro "
            "fine mese per evitare penali.",
        ),
    ),
    "newsletter": (
        (
            "Notiziario di quartiere n. {n}",
            "In questo numero: la consultazione sulla pista ciclabile, il club di lettura estivo e una ricetta "
            "dei volontari. Puoi annullare l'iscrizione in qualsiasi momento.",
        ),
    ),
    "press_release": (
        (
            "Comunicato: pulizia del porto",
            "PER DIFFUSIONE IMMEDIATA\n\nSabato i volontari hanno rimosso {n} chili di plastica dal porto. "
            "Il deputato ha ringraziato i residenti e annunciato due nuovi punti di raccolta.",
        ),
    ),
    "constituent": (
        (
            "Illuminazione in via Alta",
            "{name},\n\ni lampioni di via Alta sono guasti da un mese e gli anziani hanno paura di rientrare la "
            "sera. Potrebbe segnalarlo al comune?\n\nGrazie, Signora Conti",
        ),
    ),
    "press_photo": (
        (
            "Foto dell'inaugurazione",
            "Buongiorno,\n\nin allegato le foto di {name} all'inaugurazione della biblioteca. Utilizzabili "
            "citando Il Corriere del Porto.",
        ),
    ),
    "security_notice": (
        (
            "Promemoria di sicurezza informatica",
            "Colleghi,\n\ncoprite la fotocamera del portatile e installate gli aggiornamenti. Se ricevete "
            "un'email che dice di aver violato il vostro dispositivo e chiede denaro, non rispondete e "
            "inoltratela al team sicurezza.",
        ),
    ),
    "journalist": (
        (
            "Richiesta di commento",
            "{name},\n\nsono un giornalista del Corriere del Porto. Circola online una foto che la "
            "ritrarrebbe a una festa privata. Pubblichiamo domani e vorremmo un suo commento entro le 18.",
        ),
    ),
    "charity": (
        (
            "Sostieni il nostro rifugio con le cripto",
            "Cari amici,\n\nquest'inverno il rifugio ha bisogno di {amount} per il riscaldamento. Ora "
            "accettiamo donazioni in {coin}: {wallet}. Grazie per la vostra generosità.",
        ),
    ),
}
