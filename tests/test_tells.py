"""Benign tells: what phishing and spam ask of the reader, found in several languages."""

from __future__ import annotations

import pytest

from triage.classify import COMBINER_FEATURES, combiner_features
from triage.cues import Cue
from triage.normalize import normalise_for_judging
from triage.tells import find_retellings, find_tells


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Please verify your account at https://bank.test/login today.", id="en"),
        pytest.param("Verifique su cuenta antes de mañana para evitar el bloqueo.", id="es"),
        pytest.param("Sua encomenda está retida: a entrega depende da alfândega.", id="pt"),
        pytest.param("Bestätigen Sie Ihr Konto, sonst wird es gesperrt.", id="de"),
        pytest.param("Félicitations, vous avez gagné le tirage au sort!", id="fr"),
        pytest.param("Guadagna fino a 900 euro a settimana con il nostro bot di trading.", id="it"),
        pytest.param("お客様のアカウント確認が必要です。", id="ja"),
        pytest.param("请点击此处验证您的账户。", id="zh-Hans"),
    ],
)
def test_phishing_and_spam_carry_a_tell(text: str) -> None:
    assert find_tells(normalise_for_judging(text)), text


@pytest.mark.parametrize(
    "text",
    [
        "I recorded you through your webcam. Send 0.3 BTC within 48 hours or your colleagues "
        "get the video. Do not go to the police.",
        "Ich habe Sie über Ihre Webcam gefilmt. Zahlen Sie 900 Euro in Bitcoin, sonst geht das "
        "Video an Ihre Kollegen.",
        "我入侵了你的电脑并录下了你的视频。48小时内支付比特币,否则发给你的同事。",
    ],
)
def test_an_extortion_letter_carries_none(text: str) -> None:
    assert find_tells(normalise_for_judging(text)) == ()


def test_a_tell_counts_only_where_no_threat_or_recorded_act_speaks_to_the_reader() -> None:
    tell = Cue(group="tell", evidence="verify your account")
    demand = Cue(group="payment", evidence="pay 500 dollars")
    threat = Cue(group="threat", evidence="i will send it to your colleagues")
    index = COMBINER_FEATURES.index("tell_without_exposure")
    assert combiner_features(0.5, [tell, demand])[index] == 1.0
    assert combiner_features(0.5, [tell, demand, threat])[index] == 0.0
    assert combiner_features(0.5, [demand])[index] == 0.0


# Mail about an extortion, written for these tests: a demand retold, not made.
@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "My father got an email on Sunday. The sender claimed he had filmed him through the "
            "webcam and demanded $900 in bitcoin within two days. Should I report it?",
            id="en-retold",
        ),
        pytest.param(
            "El remitente aseguraba que tenía vídeos de mi hijo y amenazaba con enviarlos a su "
            "colegio si no pagaba 500 euros.",
            id="es-retold",
        ),
        pytest.param(
            "Recebi um e-mail estranho ontem; dizia que tinham gravado tudo pela câmera.",
            id="pt-received",
        ),
        pytest.param(
            "Der Absender behauptete, er habe meinen Rechner gehackt. Wir haben nicht bezahlt.",
            id="de-retold",
        ),
        pytest.param(
            "L'expéditeur exigeait 800 euros en bitcoin. Que dois-je faire ?", id="fr-retold"
        ),
        pytest.param(
            "Il mittente sosteneva di avere delle foto e minacciava di pubblicarle.",
            id="it-retold",
        ),
        pytest.param("送り主は動画を撮ったと主張していました。どうすればいいでしょうか。", id="ja"),
        pytest.param("对方声称录下了视频,我们没有付钱。", id="zh-Hans"),
        pytest.param("寄件人聲稱握有照片,這是常見的詐騙。", id="zh-Hant"),
        pytest.param("警方已逮捕兩名涉嫌勒索的男子。", id="zh-Hant-report"),
        pytest.param("Police have arrested two men accused of sextortion.", id="en-report"),
        pytest.param(
            "Betrüger verschicken Mails, in denen sie behaupten, Sie gefilmt zu haben.",
            id="de-relative-clause",
        ),
        pytest.param(
            "Die Erpresser geben an, sie hätten die Kamera übernommen.", id="de-konjunktiv-ii"
        ),
        pytest.param("Der Verfasser sei im Besitz eines Videos.", id="de-konjunktiv-i"),
        pytest.param(
            "Ils auraient piraté la webcam, selon le message reçu par l'élue.", id="fr-hearsay"
        ),
        pytest.param(
            "Thank you for asking. We received this message below last week; is it real?",
            id="en-received-after-you",
        ),
    ],
)
def test_a_retold_demand_carries_a_retelling(text: str) -> None:
    assert find_retellings(normalise_for_judging(text)), text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "I recorded you through your webcam. If you do not pay 0.3 BTC within 48 hours "
            "your colleagues get the video. This is not a scam.",
            id="en",
        ),
        pytest.param(
            "Sie haben noch nicht bezahlt. Wenn Sie nicht zahlen, geht das Video an Ihre Kollegen.",
            id="de-reminder",
        ),
        pytest.param(
            "Si vous ne payez pas 900 euros, la vidéo part à vos collègues. Ce n'est pas une "
            "arnaque.",
            id="fr",
        ),
        pytest.param(
            "No es una estafa: si no pagas 500 euros, tus amigos verán el vídeo.", id="es"
        ),
        pytest.param("这不是骗局。如果你不付款,视频就会发给你的同事。", id="zh-Hans"),
        pytest.param("支払わない場合、動画をあなたの同僚に送ります。", id="ja"),
        pytest.param(
            "hunter2 is your password. Nobody paid me to check on you, and you may wonder "
            "why you got this mail. I recorded you; pay 900 dollars or everyone sees it.",
            id="en-password-letter",
        ),
        pytest.param(
            "Ich habe Sie gefilmt, und ich behaupte nichts, was ich nicht beweisen kann. "
            "Zahlen Sie 900 Euro, sonst sieht es Ihre Familie.",
            id="de-indicative",
        ),
        pytest.param("我录下了你的视频。你该怎么办?付给我一千美元。", id="zh-what-should-you-do"),
        pytest.param(
            "Sie haben diese E-Mail von Ihrem eigenen Konto erhalten. Ihr Passwort stammt aus "
            "einem alten Datenleck, aber gefilmt habe ich Sie selbst. Zahlen Sie 900 Euro.",
            id="de-own-account",
        ),
        pytest.param(
            "Você recebeu este e-mail porque eu gravei você. Pague 900 reais ou todos verão.",
            id="pt-you-received",
        ),
        pytest.param(
            "You have probably received this email because I hacked your router. I recorded "
            "you; pay 900 dollars or everyone sees it.",
            id="en-you-have-probably-received",
        ),
        pytest.param(
            "Você provavelmente recebeu este e-mail porque eu gravei você. Pague 900 reais.",
            id="pt-you-probably-received",
        ),
        pytest.param(
            "Sie haben vermutlich diese E-Mail erhalten, weil ich Ihr Passwort kenne. Ich habe "
            "Sie gefilmt. Zahlen Sie 900 Euro.",
            id="de-you-probably-received",
        ),
        pytest.param(
            "Ich lese alle E-Mails, die Sie schreiben, und ich habe Sie gefilmt. Zahlen Sie "
            "900 Euro, sonst sieht es Ihre Familie.",
            id="de-the-mails-you-write",
        ),
        pytest.param(
            "Diese E-Mail haben Sie erhalten, weil ich Ihr Gerät gehackt habe. Zahlen Sie 900 "
            "Euro, sonst sieht es Ihre Familie.",
            id="de-this-mail-you-got",
        ),
        pytest.param(
            "Warum haben Sie diese E-Mail erhalten? Ich habe Sie gefilmt. Zahlen Sie 900 Euro.",
            id="de-why-did-you-get-this-mail",
        ),
        pytest.param(
            "我录下了你的视频。你现在该怎么办?付给我一千美元。", id="zh-what-should-you-do-now"
        ),
        pytest.param(
            "我录下了你们的视频。你们该怎么办?付给我一千美元。", id="zh-what-should-you-all-do"
        ),
        pytest.param(
            "Usted ha recibido este correo porque hackeé su dispositivo y lo grabé. Pague 900 "
            "euros o todos lo verán.",
            id="es-you-received",
        ),
    ],
)
def test_a_demand_made_carries_no_retelling(text: str) -> None:
    assert find_retellings(normalise_for_judging(text)) == (), text


def test_a_retelling_counts_beside_a_threat_and_stops_the_text_model_deciding_alone() -> None:
    retold = Cue(group="retold", evidence="the sender claimed")
    threat = Cue(group="threat", evidence="i will send it to your colleagues")
    demand = Cue(group="payment", evidence="pay 500 dollars")
    index = COMBINER_FEATURES.index("retold")
    assert combiner_features(0.5, [retold, threat, demand])[index] == 1.0
    assert combiner_features(0.5, [threat, demand])[index] == 0.0


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "Achtung: Sie fordern eine Zahlung in Bitcoin. Nicht zahlen!",
            id="de-do-not-pay",
        ),
        pytest.param(
            "Mein Büroleiter hat gestern eine Nachricht bekommen, in der Geld verlangt wird.",
            id="de-singular-message",
        ),
        pytest.param("Recebi uma mensagem esquisita esta manhã.", id="pt-singular-message"),
        pytest.param(
            "Il mio assistente ha ricevuto un messaggio con una richiesta di denaro.",
            id="it-singular-message",
        ),
        pytest.param(
            "妙なメールが来ました。私はどうすればよいのでしょう。", id="ja-what-should-i-do"
        ),
        pytest.param(
            "脅しのメールでした。どうすればいいのか教えてください。", id="ja-asks-for-advice"
        ),
        pytest.param("那封提到你旧密码的邮件是群发的垃圾邮件,请删除。", id="zh-Hans-spam"),
        pytest.param("例のメールはただの迷惑メールです。", id="ja-spam"),
    ],
)
def test_a_warning_or_a_mail_someone_else_received_is_retold(text: str) -> None:
    assert find_retellings(normalise_for_judging(text)), text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "Sie fragen sich bestimmt, warum Sie diese E-Mail erhalten haben.", id="de-why-you"
        ),
        pytest.param(
            "Jeder in Ihrem Adressbuch wird eine Nachricht mit dem Film erhalten.",
            id="de-future-threat",
        ),
        pytest.param(
            "Talvez esteja a pensar por que recebeu esta mensagem de um desconhecido.",
            id="pt-subject-dropped",
        ),
        pytest.param("A senhora recebeu esta mensagem por um motivo.", id="pt-a-senhora"),
        pytest.param(
            "Forse si chiede perché ha ricevuto questa e-mail da uno sconosciuto.",
            id="it-subject-dropped",
        ),
        pytest.param("それで、どうすればいいのか？簡単なことです。", id="ja-rhetorical"),
        pytest.param("あなたがどうすればよいかを説明します。", id="ja-explains-to-reader"),
        pytest.param("这不是垃圾邮件。你的视频在我手里。", id="zh-Hans-not-spam"),
        pytest.param("你可能以为这是垃圾邮件,但你的视频在我手里。", id="zh-Hans-you-think-spam"),
        pytest.param("別以為這是群發的郵件。", id="zh-Hant-do-not-think-mass-mail"),
    ],
)
def test_a_mail_the_reader_received_or_a_question_put_to_him_is_no_retelling(text: str) -> None:
    assert find_retellings(normalise_for_judging(text)) == (), text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Last spring we wired our savings to a so-called broker.", id="en"),
        pytest.param("Im März habe ich 4.200 Euro auf diese Plattform eingezahlt.", id="de"),
        pytest.param("He perdido mis ahorros con una web de inversión.", id="es"),
        pytest.param("Investi quase tudo numa plataforma que vi no Facebook.", id="pt"),
        pytest.param("Nous avons versé l'argent sur un site de placement.", id="fr"),
        pytest.param("Abbiamo versato i risparmi su un sito di trading.", id="it"),
        pytest.param("先月、指定の口座に振り込みました。", id="ja"),
        pytest.param("我上个月已经转了五万块给那个平台。", id="zh"),
    ],
)
def test_money_the_writer_already_paid_is_a_tell(text: str) -> None:
    assert find_tells(normalise_for_judging(text)), text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Deposit from 0.05 to 3 ETH and get double back.", id="en"),
        pytest.param("Aporte entre 100 y 900 USDT y reciba el doble.", id="es"),
        pytest.param("Investieren Sie ab 300 Euro in unseren Fonds.", id="de"),
        pytest.param("Versate a partire da 200 euro.", id="it"),
        pytest.param("最低投资1000美元,任意金额均可。", id="zh"),
    ],
)
def test_an_offer_whose_sum_the_reader_picks_is_a_tell(text: str) -> None:
    assert find_tells(normalise_for_judging(text)), text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Send exactly 0.07 BTC to the address below within 40 hours.", id="en"),
        pytest.param("Zahlen Sie 1.300 Euro in Bitcoin, sonst geht das Video raus.", id="de"),
        pytest.param("Envíe 900 euros en bitcoin antes del viernes.", id="es"),
        pytest.param("Envie R$ 4.000 em bitcoin até sexta.", id="pt"),
        pytest.param("I have sent this letter from your own mailbox.", id="en-sent-letter"),
    ],
)
def test_a_demand_is_no_payment_made_nor_an_offer(text: str) -> None:
    assert not find_tells(normalise_for_judging(text)), text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Renueve ya: la oferta vence a medianoche.", id="es"),
        pytest.param("Renove hoje, a oferta expira amanhã.", id="pt"),
        pytest.param("Renouvelez : l'offre expire dimanche.", id="fr"),
        pytest.param("Rinnova: l'offerta termina stasera.", id="it"),
    ],
)
def test_an_offer_that_expires_is_a_tell(text: str) -> None:
    assert find_tells(normalise_for_judging(text)), text


# ---- review of the paid-or-offered tells: a demand's own sentences are none of them ----


@pytest.mark.parametrize(
    "text",
    [
        # a count is no sum of money: the follow-up of a DDoS or sextortion demand
        pytest.param("We have sent 2 warnings to your company already.", id="en-count"),
        # what the writer paid for the means to reach the reader is his boast, not a loss
        pytest.param("I paid $300 for your password on the dark web.", id="en-paid-for-yours"),
        # the reader pays in the clause the writer's "ich habe" opens
        pytest.param(
            "Ich habe keine Eile, aber sobald Sie bezahlt haben, lösche ich alles.",
            id="de-reader-pays",
        ),
        pytest.param("Ich habe viel Zeit investiert, um Sie zu beobachten.", id="de-time"),
        pytest.param("我向你保证，只要你付了钱，我就把所有东西删掉。", id="zh-reader-pays"),
        # "once you have sent it": the conditional of the demand, not a past payment
        pytest.param("ビットコインで送金しましたら、すぐに動画を削除します。", id="ja-conditional"),
        pytest.param("振り込みましたら、データは消去されます。", id="ja-conditional-furikomi"),
    ],
)
def test_a_demand_is_no_payment_the_writer_made(text: str) -> None:
    assert not find_tells(normalise_for_judging(text)), text


@pytest.mark.parametrize(
    "text",
    [
        # an extortionist calls his demand "my offer"; a shop's offer is "the" or "our" offer
        pytest.param("My offer expires in 48 hours.", id="en"),
        pytest.param("Mein Angebot endet in 48 Stunden.", id="de"),
        pytest.param("Mi oferta vence en 48 horas.", id="es"),
        pytest.param("A minha oferta expira em 48 horas.", id="pt"),
        pytest.param("Mon offre expire dans 48 heures.", id="fr"),
        pytest.param("La mia offerta termina tra 48 ore.", id="it"),
    ],
)
def test_my_offer_that_expires_is_no_tell(text: str) -> None:
    assert not find_tells(normalise_for_judging(text)), text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("1," * 25000, id="commas"),
        pytest.param("1." * 25000, id="dots"),
    ],
)
def test_hostile_digits_cannot_stall_the_tells(text: str) -> None:
    # A guard against quadratic backtracking (a stalled cron run), not a speed target: on
    # 50,000 characters of "1," the tells took over a minute; bounded, well under a second.
    import signal

    def stalled(signum: int, frame: object) -> None:
        raise TimeoutError("tells stalled on hostile text")

    previous = signal.signal(signal.SIGALRM, stalled)
    signal.alarm(20)
    try:
        find_tells(normalise_for_judging(text))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Any amount less than that will be ignored.", id="en"),
        pytest.param("Cualquier cantidad inferior será ignorada.", id="es"),
        pytest.param("Qualquer valor abaixo disso será ignorado.", id="pt"),
        pytest.param("N'importe quel montant inférieur sera ignoré.", id="fr"),
        pytest.param("Qualsiasi importo inferiore sarà ignorato.", id="it"),
        pytest.param("Jeden beliebigen Betrag darunter ignoriere ich.", id="de"),
    ],
)
def test_a_demand_that_refuses_less_is_no_offer_of_any_sum(text: str) -> None:
    assert not find_tells(normalise_for_judging(text)), text


def test_patience_lost_is_no_money_lost() -> None:
    # "tout" (everything) as a word, not the start of "toute patience"
    assert not find_tells(normalise_for_judging("J'ai perdu toute patience. Payez 500 euros."))


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("You have between 24 and 48 hours to pay 0.1 BTC.", id="en"),
        pytest.param("Tienes entre 24 y 48 horas para pagar 0,1 BTC.", id="es"),
        pytest.param("Hai tra 24 e 48 ore per pagare 0,1 BTC.", id="it"),
        pytest.param("Sie haben zwischen 24 und 48 Stunden, um 0,1 BTC zu zahlen.", id="de"),
        pytest.param("Vous avez entre 24 et 48 heures pour payer 0,1 BTC.", id="fr"),
        # 发起投诉 (to file a complaint) holds 起投 (the minimum stake) by accident
        pytest.param("如果你报警或者发起投诉，我就把视频发给你的家人。", id="zh-complaint"),
    ],
)
def test_a_range_of_hours_or_a_complaint_is_no_offer_of_any_sum(text: str) -> None:
    assert not find_tells(normalise_for_judging(text)), text
