"""Letters phrased without the usual verbs (a terse note, a polite reminder) and an
advisory that warns not to pay: judged with the shipped model, on letters written here and
found in no training row."""

from __future__ import annotations

import pytest

from triage.classify import MessageText, judge_message

_BTC = "bc1q9h7garjr3dxuuns4wqtsj0q4lqv9xqgyx6xy2m"


def _text(body: str) -> MessageText:
    wallets = (_BTC,) if _BTC in body else ()
    return MessageText(
        subject="", body=body, attachment_texts=(), wallets=wallets, recipient_name=None
    )


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            "Seen this hotel corridor before? 0.06 BTC. 30 h. Otherwise your wife and your "
            "whips get the clip.",
            id="en-terse",
        ),
        pytest.param(
            "Kommt Ihnen das Zimmer bekannt vor? 1.100 € in Bitcoin. 30 Std. Sonst bekommt "
            "Ihre Fraktion die Fotos.",
            id="de-terse",
        ),
        pytest.param(
            "¿Reconoce la habitación? 1.100 € en bitcoin. 30 horas. De lo contrario, sus "
            "compañeros de partido verán el vídeo.",
            id="es-terse",
        ),
        pytest.param(
            "認得這個房間嗎?1100美元,btc。30小時。否則你的同事都會看到錄影。", id="zh-Hant-terse"
        ),
        pytest.param(
            "Further to my letter of the 3rd about the photographs in my possession from the "
            f"conference hotel: the sum of 1,100 pounds, to be settled in bitcoin at {_BTC}, "
            "remains outstanding. I will "
            "have no choice but to pass them to the whips' office on Monday.",
            id="en-reminder",
        ),
    ],
)
def test_a_letter_without_the_usual_verbs_is_extortion(body: str) -> None:
    verdict = judge_message(_text(body))
    assert verdict.extortion, verdict.reasons()


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            "Warnung der Landtagsverwaltung: Unbekannte schreiben Abgeordneten, sie hätten "
            "Videos von ihnen, und fordern 900 Euro in Bitcoin binnen 48 Stunden. Nicht "
            "zahlen! Leiten Sie die Nachricht an die IT weiter.",
            id="de-advisory",
        ),
        pytest.param(
            "Aviso da informática: circula uma mensagem que ameaça divulgar vídeos e exige 900 "
            "euros em bitcoin. Não pague e apague a mensagem.",
            id="pt-advisory",
        ),
    ],
)
def test_an_advisory_that_warns_not_to_pay_is_not_extortion(body: str) -> None:
    verdict = judge_message(_text(body))
    assert not verdict.extortion, verdict.reasons()
