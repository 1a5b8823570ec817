"""Benign tells: what phishing and spam ask of the reader, found in several languages."""

from __future__ import annotations

import pytest

from triage.classify import COMBINER_FEATURES, combiner_features
from triage.cues import Cue
from triage.normalize import normalise_for_judging
from triage.tells import find_tells


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
        pytest.param("警方已逮捕兩名涉嫌勒索的男子。", id="zh-Hant-report"),
        pytest.param("Police have arrested two men accused of sextortion.", id="en-report"),
    ],
)
def test_phishing_spam_and_reports_carry_a_tell(text: str) -> None:
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
