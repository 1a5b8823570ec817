"""French wording for the labelled verdict set (data only)."""

# ruff: noqa: E501  (sentences of a letter read better unbroken)

LANGUAGE = "fr"
NAMES = (
    "M. le député Lefèvre",
    "Mme Girard",
    "Claire Dubois",
    "M. Bernard",
    "Mme la députée Faure",
)
LABELS = {"amount": "Montant", "wallet": "Adresse", "deadline": "Délai"}

POS = {
    "demand_later": [
        "Répondez OK sous {hours} heures et je vous dirai comment payer {amount}.",
        "Les instructions de paiement sont dans l'image. {amount}, non négociable.",
    ],
    "open": ("Bonjour.", "Écoutez-moi bien.", "", "Salut."),
    "open_named": ("{name},", "Cher/Chère {name},", "Bonjour {name}."),
    "hack": (
        "Il y a quelques mois, je suis entré dans votre ordinateur grâce à un lien que vous avez "
        "ouvert. Depuis, je vois tout ce qui s'affiche sur votre écran.",
        "Votre téléphone exécute mon logiciel depuis des semaines. J'ai une copie de vos "
        "conversations, de vos photos et de tout votre carnet d'adresses.",
        "J'ai piraté votre messagerie professionnelle et j'y ai toujours accès.",
    ),
    "record": (
        "Pendant que vous regardiez des vidéos pour adultes, j'ai activé votre webcam et je vous "
        "ai filmé.",
        "J'ai monté une vidéo : d'un côté le site porno que vous visitiez, de l'autre votre visage.",
        "J'ai un enregistrement de vous dans un moment très intime. C'est embarrassant.",
    ),
    "photo": (
        "Regardez l'image jointe. C'est vous, et ce n'est pas à votre avantage.",
        "J'ai des photos de vous qui mettraient fin à votre carrière le jour où elles sortiraient.",
        "Vous vous reconnaîtrez sur les images ci-jointes. Elles sont explicites.",
        "Quelqu'un m'a transmis des photos de vous nu, et elles ont l'air authentiques.",
    ),
    "secret": (
        "Je suis au courant de votre liaison avec une collaboratrice et j'ai les messages.",
        "J'ai des documents qui montrent où sont vraiment allés les dons.",
    ),
    "harm": (
        "Nous savons où vous habitez et dans quelle école vont vos enfants.",
        "Nous avons suivi votre voiture toute la semaine. La prochaine fois, nous ne ferons pas que suivre.",
    ),
    "threat": (
        "Si je n'obtiens pas ce que je demande, j'enverrai tout à vos contacts, à vos collègues "
        "et à la presse.",
        "Sinon, la vidéo partira chez votre famille et chez tous les journalistes que je trouverai.",
        "Si vous refusez, je publierai tout sur les réseaux sociaux.",
        "Votre épouse, vos collègues et vos électeurs recevront une copie.",
        "Si vous ignorez ce message, les images seront rendues publiques avec votre nom. Je vais "
        "détruire votre carrière.",
    ),
    "demand": (
        "Payez {amount} en {coin} sur ce portefeuille : {wallet}",
        "Le prix de mon silence est de {amount}. Envoyez-le en {coin} à {wallet}.",
        "Virez l'équivalent de {amount} en {coin} à l'adresse ci-dessous :\n{wallet}",
        "Ce que je veux est simple : {amount}. Adresse {coin} : {wallet}",
    ),
    "deadline": (
        "Vous avez {hours} heures à partir de l'ouverture de ce courriel.",
        "Le délai est de {hours} heures, le compte à rebours a commencé.",
        "J'attends jusqu'à demain minuit, pas une minute de plus.",
        "Faites-le dans les {hours} heures.",
    ),
    "secrecy": (
        "Ne répondez pas à ce message, l'adresse n'est pas la mienne.",
        "N'en parlez à personne et ne prévenez pas la police. Si vous contactez la police, je publie.",
        "Ce courriel est intraçable.",
    ),
    "after": (
        "Dès réception du paiement, j'efface tout et vous n'entendrez plus parler de moi.",
        "Payez et l'affaire s'arrête là.",
    ),
    "subject": (
        "Votre vie privée",
        "Alerte de sécurité",
        "{name}",
        "Je sais ce que vous avez fait",
        "Dernier avertissement",
        "Vos photos",
    ),
}

NEG = {
    "exchange": (
        (
            "Retrait confirmé",
            "Votre retrait de {amount} en {coin} vers {wallet} a été traité. Si ce n'est pas vous, contactez le support sous 24 heures pour bloquer votre compte.",
        ),
        (
            "Nouvelle adresse de dépôt",
            "Bonjour {name}, votre nouvelle adresse de dépôt {coin} est {wallet}. Envoyez uniquement des {coin} à cette adresse.",
        ),
    ),
    "crypto_invest": (
        (
            "Doublez vos bitcoins en 48 heures",
            "Cher investisseur,\n\nNotre algorithme a rapporté 212 % au dernier trimestre. Envoyez 0,05 {coin} "
            "ou plus à {wallet} sous {hours} heures et recevez le double. Places limitées.",
        ),
        (
            "Prévente de jetons : clôture vendredi",
            "Bonjour {name}, la prévente GreenChain se termine vendredi. Achetez maintenant à {amount} les "
            "1 000 jetons en envoyant des {coin} à {wallet}. Ceci n'est pas un conseil financier.",
        ),
    ),
    "phishing": (
        (
            "Action requise : vérifiez votre messagerie",
            "Cher utilisateur,\n\nNous avons détecté une connexion inhabituelle. Votre boîte sera suspendue "
            "dans les {hours} heures si vous ne confirmez pas votre identité :\n"
            "https://secure-mail-check.test/verify",
        ),
        (
            "Votre colis est bloqué",
            "Bonjour {name}, votre colis n'a pas pu être livré. Réglez les frais de douane de {amount} sous "
            "24 heures : https://parcel-fee.test/pay",
        ),
    ),
    "bitcoin_news": (
        (
            "Marchés : le bitcoin recule",
            "Le bitcoin a perdu 6 % mardi à {amount}, les investisseurs prenant leurs bénéfices. L'ether et "
            "les autres cryptomonnaies ont suivi.",
        ),
        (
            "La police met en garde contre les courriels de sextorsion",
            "La police met en garde contre des courriels dont l'expéditeur prétend avoir piraté la webcam du "
            "destinataire et exige un paiement en bitcoin sous quelques heures. Il ne faut pas payer et il "
            "faut porter plainte.",
        ),
    ),
    "video_complaint": (
        (
            "La vidéo de votre discours",
            "{name},\n\nJ'ai vu la vidéo de votre intervention sur le logement et vos propos sur les "
            "locataires m'ont déçu. Mes voisins l'ont vue aussi. J'attends des excuses.",
        ),
    ),
    "invoice": (
        (
            "Facture FA-{n}",
            "{name},\n\nVeuillez trouver ci-joint la facture FA-{n} pour le traiteur. Montant : {amount}. "
            "Paiement sous {days} jours sur le compte indiqué.\n\nComptabilité",
        ),
        (
            "Relance de paiement",
            "Sauf erreur, la facture {n} reste impayée. Merci de virer {amount} avant la fin du mois pour "
            "éviter des pénalités.",
        ),
    ),
    "newsletter": (
        (
            "Lettre du quartier n° {n}",
            "Au sommaire : la concertation sur la piste cyclable, le club de lecture d'été et une recette de "
            "nos bénévoles. Désinscription à tout moment.",
        ),
    ),
    "press_release": (
        (
            "Communiqué : nettoyage du port",
            "POUR DIFFUSION IMMÉDIATE\n\nDes bénévoles ont retiré {n} kilos de plastique du port samedi. La "
            "députée a remercié les habitants et annoncé deux nouveaux points de collecte.",
        ),
    ),
    "constituent": (
        (
            "Éclairage de la rue Haute",
            "{name},\n\nLes lampadaires de la rue Haute sont en panne depuis un mois et les personnes âgées "
            "ont peur de rentrer le soir. Pourriez-vous saisir la mairie ?\n\nMerci, Mme Roux",
        ),
    ),
    "press_photo": (
        (
            "Photos de l'inauguration",
            "Bonjour,\n\nVoici les photos de {name} à l'inauguration de la médiathèque. Libres de droits avec "
            "la mention Le Courrier du Port.",
        ),
    ),
    "security_notice": (
        (
            "Rappel de sécurité informatique",
            "Chers collègues,\n\nCouvrez la caméra de votre portable et installez les mises à jour. Si un "
            "courriel prétend avoir piraté votre appareil et réclame de l'argent, ne répondez pas et "
            "transférez-le à l'équipe sécurité.",
        ),
    ),
    "journalist": (
        (
            "Demande de réaction",
            "{name},\n\nJe suis journaliste au Courrier du Port. Une photo censée vous montrer lors d'une "
            "soirée privée circule en ligne. Nous publions demain et souhaiterions votre réaction avant 18 h.",
        ),
    ),
    "charity": (
        (
            "Soutenez notre foyer en crypto",
            "Chers amis,\n\nCet hiver, notre foyer a besoin de {amount} pour le chauffage. Nous acceptons "
            "désormais les dons en {coin} : {wallet}. Merci pour votre générosité.",
        ),
    ),
}
