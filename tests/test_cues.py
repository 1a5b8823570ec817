"""Cue groups of one passage: a warning not to pay is no demand, singular nouns count, and
the terse note and the polite reminder are read in every language."""

from __future__ import annotations

import pytest

from triage.cues import find_passage
from triage.normalize import normalise_for_judging


def _groups(text: str) -> set[str]:
    return {c.group for c in find_passage(normalise_for_judging(text)).cues}


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Die verlangten 800 Euro auf keinen Fall zahlen!", id="de-infinitive"),
        pytest.param("Zahlen Sie nicht die 800 Euro, die verlangt werden.", id="de-formal"),
        pytest.param("Please do not pay the $800 they ask for.", id="en"),
        pytest.param("No pague los 800 euros que le piden.", id="es"),
        pytest.param("Non pagare i 800 euro richiesti.", id="it"),
        pytest.param("ビットコインを支払わないでください。", id="ja"),
    ],
)
def test_a_warning_not_to_pay_is_no_payment_cue(text: str) -> None:
    assert "payment" not in _groups(text), text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Wenn Sie nicht 800 Euro zahlen, geht der Film an die Presse.", id="de"),
        pytest.param("If you do not pay $800 in bitcoin, the film goes to the press.", id="en"),
        pytest.param("Zahlen Sie 800 Euro in Bitcoin.", id="de-demand"),
    ],
)
def test_a_condition_or_a_demand_keeps_its_payment_cue(text: str) -> None:
    assert "payment" in _groups(text), text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Ich habe ein Bild von Ihnen, das Sie nicht zeigen möchten.", id="de-bild"),
        pytest.param("Tengo una grabación de usted en el hotel.", id="es-grabacion"),
        pytest.param("Tenho uma gravação sua no quarto.", id="pt-gravacao"),
    ],
)
def test_a_singular_recording_is_a_recorded_act(text: str) -> None:
    assert "recorded" in _groups(text), text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "The room looks familiar? 0.04 BTC. 36 h. Otherwise your husband gets the clip.",
            id="en",
        ),
        pytest.param(
            "Bekannt? 900 € in Litecoin. 24 Std. Sonst sieht Ihr Chef die Fotos.", id="de"
        ),
        pytest.param(
            "¿Le suena? 700 euros en bitcoin. 48 horas. De lo contrario, sus votantes lo verán.",
            id="es",
        ),
        pytest.param("認識?2000美元,usdt。36小時。否則你的同事都會看到。", id="zh-Hant"),
        pytest.param(
            "見覚えは?30万円、ビットコイン。24時間。さもなければ家族全員に届きます。", id="ja"
        ),
    ],
)
def test_a_terse_note_carries_its_threat_and_its_demand(text: str) -> None:
    assert {"threat", "payment"} <= _groups(text), text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "Further to my note of Tuesday about the photographs in my possession. The sum is "
            "due. I will have no choice but to pass them to the party office.",
            id="en",
        ),
        pytest.param(
            "Ich komme auf die Aufnahmen zurück, die mir vorliegen. Es bleibt mir nichts anderes "
            "übrig, als sie dem Ortsverband zuzuschicken.",
            id="de",
        ),
        pytest.param(
            "Retomo el asunto de las fotos que obran en mi poder. Me veré obligado a enviar "
            "las copias al comité local.",
            id="es",
        ),
    ],
)
def test_a_polite_reminder_holds_material_and_threatens_in_the_first_person(text: str) -> None:
    assert {"threat", "recorded"} <= _groups(text), text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Confirm your details today. Otherwise your account will be closed.", id="en"),
        pytest.param("Bestätigen Sie Ihre Daten, sonst werden alle Zahlungen gesperrt.", id="de"),
        pytest.param(
            "Confirme sus datos; de lo contrario, todos sus pedidos se cancelan.", id="es"
        ),
        pytest.param("请更新资料,否则您将无法收到退款。", id="zh-Hans"),
        pytest.param("ご確認ください。さもなければ、お荷物をお届けできません。", id="ja"),
        pytest.param("请更新地址,否则您的家人将无法收到包裹。", id="zh-Hans-family-misses"),
        pytest.param(
            "ご確認ください。さもなければご家族にお荷物をお届けできません。", id="ja-family"
        ),
    ],
)
def test_a_phishing_consequence_is_no_threat(text: str) -> None:
    assert "threat" not in _groups(text), text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Überweisen Sie nicht weniger als 0,1 BTC an diese Adresse.", id="de-less"),
        pytest.param("Zahlen Sie nicht später als Freitag 800 Euro in Bitcoin.", id="de-later"),
        pytest.param("Payez pas plus tard que vendredi 800 euros en bitcoin.", id="fr-later"),
        pytest.param("Do not send less than 0.1 BTC to this wallet.", id="en-less"),
    ],
)
def test_a_negated_comparative_is_still_a_demand(text: str) -> None:
    # the negation bounds the amount or the date, not the act of paying
    assert "payment" in _groups(text), text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Share your photos or videos shared with friends in one album.", id="en"),
        pytest.param("Photos or files posted to the cloud stay private.", id="en-posted"),
        pytest.param("Fotos o videos salen en la aplicación con un clic.", id="es"),
        pytest.param("Fotos ou vídeos vão para a nuvem automaticamente.", id="pt"),
    ],
)
def test_or_between_two_nouns_opens_no_consequence(text: str) -> None:
    assert "threat" not in _groups(text), text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("0.1 BTC. 48 h. Or the videos go out.", id="en"),
        pytest.param("500 euros en bitcoin. 48 horas. O las fotos salen.", id="es"),
    ],
)
def test_or_opening_a_clause_keeps_its_threat(text: str) -> None:
    assert "threat" in _groups(text), text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Find out what else your friends get with Premium.", id="en-what-else"),
        pytest.param("Who else in your family gets the newsletter? Add them here.", id="en-who"),
        pytest.param("Was sonst Ihre Kollegen sagen, lesen Sie hier.", id="de-was-sonst"),
    ],
)
def test_else_inside_a_clause_is_no_consequence(text: str) -> None:
    assert "threat" not in _groups(text), text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Pay now, else your wife gets the clip.", id="en"),
        pytest.param("Zahlen Sie, sonst bekommt Ihre Familie die Fotos.", id="de"),
    ],
)
def test_else_opening_a_clause_keeps_its_threat(text: str) -> None:
    assert "threat" in _groups(text), text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("We will, as always, share the results with members.", id="as-always"),
        pytest.param("I will, of course, send the minutes on Monday.", id="of-course"),
    ],
)
def test_an_aside_that_is_no_reluctance_is_no_threat(text: str) -> None:
    assert "threat" not in _groups(text), text


def test_a_reluctant_aside_before_sending_is_a_threat() -> None:
    assert "threat" in _groups("I shall, with the greatest regret, forward them to the board.")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Markets today: BTC $96,400. ETH $3,050. SOL moved too. 24 h.", id="en"),
        pytest.param("Kurse: Bitcoin 88.100 €, Ether 2.870 €. 24 Std.", id="de"),
        pytest.param("今日行情:比特币 $96,400。以太坊 $3,050。24小时。", id="zh"),
    ],
)
def test_a_price_list_of_several_coins_is_no_demand_and_no_deadline(text: str) -> None:
    groups = _groups(text)
    assert "payment" not in groups and "deadline" not in groups, (text, groups)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("$700 in BTC. 36 h. Otherwise your whole party gets the tape.", id="en"),
        pytest.param("Bitcoin, 900 €. 30 Std.", id="de"),
    ],
)
def test_one_coin_and_its_sum_stays_a_demand(text: str) -> None:
    assert "payment" in _groups(text), text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("您的錢包地址已更新,無需任何操作。", id="zh-Hant"),
        pytest.param("请核对您的钱包地址是否正确。", id="zh-Hans"),
    ],
)
def test_a_wallet_address_named_is_no_payment_cue(text: str) -> None:
    assert "payment" not in _groups(text), text


def test_a_wallet_address_introduced_by_its_label_is_a_payment_cue() -> None:
    assert "payment" in _groups("钱包地址:bc1qexampleexampleexample")


@pytest.mark.parametrize(
    "text",
    [
        # a payment or receiving address named is a demand's; only "wallet address" is every
        # exchange notice's and needs its label
        pytest.param("收款地址为 bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh", id="zh-receiving"),
        pytest.param("我的付款地址在下面。", id="zh-paying"),
    ],
)
def test_a_payment_address_named_stays_a_payment_cue(text: str) -> None:
    assert "payment" in _groups(text), text


def test_a_deadline_after_prices_a_demand_names_stays_a_deadline() -> None:
    # A demand may price its coins; "within 24 hours" is still its deadline. Only a bare
    # "24 h." after a price list is the ticker's period.
    text = "I have your video. Pay BTC $950 or USDT $950 within 24 hours, or your wife gets it."
    assert "deadline" in _groups(text)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "Today BTC $95,000 and ETH $3,100. Pay $1,500 in BTC to the wallet below.", id="after"
        ),
        pytest.param(
            "Prices: BTC $95,000, ETH $3,100. Send me 0.05 BTC within 24 hours.", id="send"
        ),
    ],
)
def test_a_demand_after_the_prices_it_quotes_stays_a_payment(text: str) -> None:
    assert "payment" in _groups(text), text


def test_one_coin_under_two_names_is_no_price_list() -> None:
    # the "24 h." after them is found (counted or not), not dropped as a ticker's period
    passage = find_passage(normalise_for_judging("Send Bitcoin $1500 (BTC $1500). 24 h."))
    assert "deadline" in {c.group for c in (*passage.cues, *passage.scattered)}


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "钱包地址（BTC）：bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh", id="coin-named"
        ),
        pytest.param("钱包地址如下：bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh", id="as-follows"),
    ],
)
def test_a_wallet_address_label_naming_its_coin_is_a_payment_cue(text: str) -> None:
    assert "payment" in _groups(text), text
