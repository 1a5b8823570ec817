"""German wording for the labelled verdict set (data only)."""

# ruff: noqa: E501  (sentences of a letter read better unbroken)

LANGUAGE = "de"
NAMES = (
    "Herr Abgeordneter Brandt",
    "Frau Keller",
    "Dr. Stefan Vogt",
    "Sabine Krüger",
    "Herr Yilmaz",
)
LABELS = {"amount": "Betrag", "wallet": "Adresse", "deadline": "Frist"}

POS = {
    "demand_later": [
        "Antworten Sie binnen {hours} Stunden mit JA, dann sage ich Ihnen, wie Sie {amount} zahlen.",
        "Die Zahlungsdaten stehen im Bild. {amount}, keine Verhandlung.",
    ],
    "open": ("Hallo.", "Hören Sie gut zu.", "", "Guten Tag."),
    "open_named": ("{name},", "Sehr geehrte(r) {name},", "Hallo {name}."),
    "hack": (
        "Vor einigen Monaten bin ich über einen Link, den Sie geöffnet haben, in Ihren Computer "
        "eingedrungen. Seitdem sehe ich alles auf Ihrem Bildschirm.",
        "Auf Ihrem Handy läuft seit Wochen meine Software. Ich habe Kopien Ihrer Chats, Fotos "
        "und Ihres gesamten Adressbuchs.",
        "Ich habe Ihr dienstliches E-Mail-Konto gehackt und habe immer noch Zugriff darauf.",
    ),
    "record": (
        "Während Sie Pornoseiten angesehen haben, habe ich Ihre Webcam eingeschaltet und Sie gefilmt.",
        "Ich habe ein Video geschnitten: links die Erwachsenenseite, rechts Ihr Gesicht.",
        "Ich habe eine Aufnahme von Ihnen in einem sehr intimen Moment. Sie ist peinlich.",
    ),
    "photo": (
        "Sehen Sie sich das angehängte Bild an. Das sind Sie, und es ist kein schönes Foto.",
        "Ich habe Fotos von Ihnen, die Ihre Karriere an dem Tag beenden, an dem sie auftauchen.",
        "Sie werden sich auf den beigefügten Bildern erkennen. Sie sind eindeutig.",
        "Jemand hat mir Nacktfotos von Ihnen gegeben, und sie wirken echt.",
    ),
    "secret": (
        "Ich weiß von Ihrer Affäre mit einer Mitarbeiterin und habe die Nachrichten.",
        "Ich habe Unterlagen, die zeigen, wohin die Spenden wirklich geflossen sind.",
    ),
    "harm": (
        "Wir wissen, wo Sie wohnen und welche Schule Ihre Kinder besuchen.",
        "Wir sind Ihrem Auto eine Woche lang gefolgt. Beim nächsten Mal bleibt es nicht dabei.",
    ),
    "threat": (
        "Wenn ich nicht bekomme, was ich verlange, schicke ich alles an Ihre Kontakte, Ihre "
        "Kollegen und die Presse.",
        "Andernfalls geht das Video an Ihre Familie und an jeden Journalisten, den ich finde.",
        "Wenn Sie sich weigern, werde ich das Material in allen sozialen Netzwerken veröffentlichen.",
        "Ihre Frau, Ihre Kollegen und Ihre Wähler werden eine Kopie bekommen.",
        "Ignorieren Sie das, mache ich die Bilder mit Ihrem Namen öffentlich. Ihr Ruf wird zerstört.",
    ),
    "demand": (
        "Zahlen Sie {amount} in {coin} an diese Wallet: {wallet}",
        "Der Preis für mein Schweigen beträgt {amount}. Senden Sie ihn in {coin} an {wallet}.",
        "Überweisen Sie den Gegenwert von {amount} in {coin} an folgende Adresse:\n{wallet}",
        "Was ich will, ist einfach: {amount}. {coin}-Adresse: {wallet}",
    ),
    "deadline": (
        "Sie haben {hours} Stunden ab dem Öffnen dieser E-Mail.",
        "Die Frist beträgt {hours} Stunden, der Countdown läuft bereits.",
        "Ich warte bis morgen Mitternacht, keine Minute länger.",
        "Erledigen Sie das innerhalb von {hours} Stunden.",
    ),
    "secrecy": (
        "Antworten Sie nicht auf diese Nachricht, die Absenderadresse gehört nicht mir.",
        "Erzählen Sie niemandem davon und gehen Sie nicht zur Polizei. Wenn Sie die Polizei "
        "einschalten, veröffentliche ich sofort.",
        "Diese E-Mail ist nicht zurückverfolgbar.",
    ),
    "after": (
        "Sobald die Zahlung eingeht, lösche ich alles und Sie hören nie wieder von mir.",
        "Zahlen Sie, dann ist die Sache erledigt.",
    ),
    "subject": (
        "Ihre Privatsphäre",
        "Sicherheitswarnung",
        "{name}",
        "Ich weiß, was Sie getan haben",
        "Letzte Warnung",
        "Ihre Fotos",
    ),
}

NEG = {
    "exchange": (
        (
            "Auszahlung bestätigt",
            "Ihre Auszahlung von {amount} in {coin} an {wallet} wurde ausgeführt. Falls Sie das nicht waren, kontaktieren Sie den Support innerhalb von 24 Stunden.",
        ),
        (
            "Neue Einzahlungsadresse",
            "Hallo {name}, Ihre neue {coin}-Einzahlungsadresse lautet {wallet}. Senden Sie nur {coin} an diese Adresse.",
        ),
    ),
    "crypto_invest": (
        (
            "Verdoppeln Sie Ihre Bitcoins in 48 Stunden",
            "Sehr geehrter Anleger,\n\nUnser Handelsalgorithmus erzielte im letzten Quartal 212 %. Senden Sie "
            "0,05 {coin} oder mehr an {wallet} innerhalb von {hours} Stunden und erhalten Sie das Doppelte.",
        ),
        (
            "Token-Vorverkauf endet Freitag",
            "Hallo {name}, der Vorverkauf von GreenChain endet am Freitag. Kaufen Sie jetzt für {amount} pro "
            "1.000 Token, indem Sie {coin} an {wallet} senden. Keine Anlageberatung.",
        ),
    ),
    "phishing": (
        (
            "Handlung erforderlich: Postfach bestätigen",
            "Sehr geehrter Nutzer,\n\nwir haben eine ungewöhnliche Anmeldung festgestellt. Ihr Postfach wird "
            "in {hours} Stunden gesperrt, wenn Sie Ihre Identität nicht bestätigen:\n"
            "https://secure-mail-check.test/verify",
        ),
        (
            "Ihr Paket wird zurückgehalten",
            "Hallo {name}, Ihr Paket konnte nicht zugestellt werden. Zahlen Sie die Zollgebühr von {amount} "
            "innerhalb von 24 Stunden: https://parcel-fee.test/pay",
        ),
    ),
    "bitcoin_news": (
        (
            "Märkte: Bitcoin gibt nach",
            "Bitcoin fiel am Dienstag um 6 % auf {amount}, da Anleger Gewinne mitnahmen. Ether und andere "
            "Kryptowährungen folgten.",
        ),
        (
            "Polizei warnt vor Sextortion-Mails",
            "Die Polizei warnt vor E-Mails, in denen Absender behaupten, die Webcam gehackt und den Empfänger "
            "gefilmt zu haben, und binnen Stunden Bitcoin verlangen. Die Beamten raten: nicht zahlen, "
            "Anzeige erstatten.",
        ),
    ),
    "video_complaint": (
        (
            "Das Video Ihrer Rede",
            "{name},\n\nich habe das Video Ihrer Rede in der Wohnungsdebatte gesehen und bin von Ihren "
            "Äußerungen über Mieter enttäuscht. Meine Nachbarn haben es auch gesehen. Ich erwarte eine "
            "Entschuldigung.",
        ),
    ),
    "invoice": (
        (
            "Rechnung RE-{n}",
            "Sehr geehrte(r) {name},\n\nanbei die Rechnung RE-{n} für das Catering. Betrag: {amount}. "
            "Zahlbar innerhalb von {days} Tagen auf das angegebene Konto.\n\nBuchhaltung",
        ),
        (
            "Zahlungserinnerung",
            "Laut unseren Unterlagen ist die Rechnung {n} noch offen. Bitte überweisen Sie {amount} bis "
            "Monatsende, um Mahngebühren zu vermeiden.",
        ),
    ),
    "newsletter": (
        (
            "Stadtteil-Newsletter Nr. {n}",
            "In dieser Ausgabe: Bürgerbeteiligung zum Radweg, der Sommerleseclub und ein Rezept unserer "
            "Ehrenamtlichen. Abmeldung jederzeit möglich.",
        ),
    ),
    "press_release": (
        (
            "Pressemitteilung: Hafenreinigung",
            "ZUR SOFORTIGEN VERÖFFENTLICHUNG\n\nFreiwillige haben am Samstag {n} Kilogramm Plastik aus dem "
            "Hafen geholt. Der Abgeordnete dankte den Anwohnern und kündigte zwei neue Sammelstellen an.",
        ),
    ),
    "constituent": (
        (
            "Straßenbeleuchtung in der Bergstraße",
            "{name},\n\ndie Laternen in der Bergstraße sind seit einem Monat defekt und ältere Menschen "
            "trauen sich abends nicht mehr nach Hause. Könnten Sie das beim Amt ansprechen?\n\nDanke, "
            "Frau Lorenz",
        ),
    ),
    "press_photo": (
        (
            "Fotos von der Eröffnung",
            "Hallo,\n\nanbei Bilder von {name} bei der Eröffnung der Bibliothek. Nutzung mit Quellenangabe "
            "Hafenkurier frei.",
        ),
    ),
    "security_notice": (
        (
            "IT-Sicherheitshinweis",
            "Liebe Kolleginnen und Kollegen,\n\nbitte decken Sie die Laptop-Kamera ab und installieren Sie "
            "die Updates. Wenn eine E-Mail behauptet, Ihr Gerät sei gehackt worden, und Geld fordert, "
            "antworten Sie nicht und leiten Sie sie an die IT-Sicherheit weiter.",
        ),
    ),
    "journalist": (
        (
            "Bitte um Stellungnahme",
            "{name},\n\nich bin Reporter beim Hafenkurier. Im Netz kursiert ein Foto, das Sie angeblich auf "
            "einer privaten Feier zeigt. Wir veröffentlichen morgen und bitten bis 18 Uhr um Ihre Stellungnahme.",
        ),
    ),
    "charity": (
        (
            "Unterstützen Sie unser Obdach mit Krypto",
            "Liebe Freunde,\n\ndiesen Winter braucht unser Obdach {amount} für die Heizung. Wir nehmen jetzt "
            "Spenden in {coin} an: {wallet}. Vielen Dank für Ihre Hilfe.",
        ),
    ),
}
