"""Price newsletters, a wallet address named in a notice and a robbed investor's complaint:
judged with the shipped model, on sentences written here and found in no training row."""

from __future__ import annotations

import pytest

from triage.classify import MessageText, judge_message


def _text(body: str, wallets: tuple[str, ...] = ()) -> MessageText:
    return MessageText(
        subject="", body=body, attachment_texts=(), wallets=wallets, recipient_name=None
    )


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            "Bitcoin price today: BTC $95,000. ETH $3,100. 24 h.\nMarket update for subscribers.",
            id="en-ticker",
        ),
        pytest.param("Aktuelle Kurse: BTC 87.900 €. ETH 2.950 €. 24 Std.", id="de-ticker"),
        pytest.param("请在本周内核对您的钱包地址,以免影响提现。", id="zh-wallet-address"),
    ],
)
def test_a_ticker_or_a_wallet_address_named_is_not_extortion(body: str) -> None:
    verdict = judge_message(_text(body))
    assert not verdict.extortion, verdict.reasons()


def test_a_robbed_investor_naming_the_scammers_wallet_is_not_extortion() -> None:
    wallet = "bc1qz8m4c9w0k7r2x5t3v6y9u2p4q7s8d0f3g5h7j9"
    body = (
        "Dear Ms Rivera, I am a widower in your district. Last year I wired almost all my "
        f"savings, 0.9 BTC, to an address a trading site gave me ({wallet}). When I asked "
        "for it back, the site asked for a release fee within 48 hours. What can your office do?"
    )
    verdict = judge_message(_text(body, (wallet,)))
    assert not verdict.extortion, verdict.reasons()


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            "We have sent 2 warnings to your company. Pay 3 BTC within 24 hours or we take "
            "your website down.",
            id="en-ddos-count",
        ),
        pytest.param(
            "Ich habe viel Zeit investiert, um Sie zu beobachten. Zahlen Sie 900 Euro in "
            "Bitcoin innerhalb von 48 Stunden.",
            id="de-time-spent",
        ),
        pytest.param(
            "Mi oferta vence en 48 horas. Pague 500 euros en bitcoin o sus contactos "
            "recibirán el video.",
            id="es-my-offer",
        ),
        pytest.param("Mon offre expire dans 48 heures. Payez 500 euros en bitcoin.", id="fr"),
        pytest.param(
            "我向你保证，只要你付了钱，我就把所有东西删掉。请在48小时内支付0.1比特币。",
            id="zh-reader-pays",
        ),
    ],
)
def test_a_demand_in_the_words_of_a_benign_tell_is_still_extortion(body: str) -> None:
    # Each was judged benign at 0.06-0.23 by the merge of issue 10 (a "payment made" or an
    # "offer that expires" tell vetoed a text model at 0.60-0.92); no cue of exposure fires.
    verdict = judge_message(_text(body))
    assert verdict.extortion, verdict.reasons()
