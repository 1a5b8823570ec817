"""Wallets verified by checksum, and the other indicators in English and Chinese text."""

from __future__ import annotations

import pytest

from triage.indicators import extract_indicators, find_wallets
from triage.wallets import keccak256, wallet_kind

VALID = [
    ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "btc"),  # legacy P2PKH
    ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "btc"),  # P2SH
    ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "btc"),  # bech32 P2WPKH (BIP-173)
    ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "btc"),  # bech32 in upper case
    ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "btc"),  # bech32m (BIP-350)
    ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "eth"),  # EIP-55 mixed case
    ("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "eth"),  # single case: no checksum
    ("TTXKUUbPRoHqmoi7TmkrpRSuG3hmACMvbz", "tron"),
    (
        "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A",
        "xmr",
    ),
]
INVALID = [
    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",  # last character changed
    "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz",
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kV8f3t4",  # mixed case bech32
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj1",
    "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx",  # v1 with bech32 checksum
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",  # EIP-55 case broken
    "TTXKUUbPRoHqmoi7TmkrpRSuG3hmACMvbY",
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3B",
]


@pytest.mark.parametrize(("address", "kind"), VALID, ids=[v[0][:14] for v in VALID])
def test_valid_wallets_verify(address: str, kind: str):
    assert wallet_kind(address) == kind


@pytest.mark.parametrize("address", INVALID, ids=[a[:14] for a in INVALID])
def test_broken_checksums_are_not_wallets(address: str):
    assert wallet_kind(address) is None
    assert find_wallets(f"pay to {address} now") == ()


def test_keccak256_known_vectors():
    assert (
        keccak256(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )
    assert (
        keccak256(b"abc").hex()
        == "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
    )
    assert keccak256(b"a" * 200).hex() != keccak256(b"a" * 201).hex()  # multi-block input


def test_wallets_hidden_by_zero_width_characters_are_found():
    text = "BTC: 1A1zP1eP5QGe\u200bfi2DMPTfTL5SLmv7DivfNa"
    assert [w.address for w in extract_indicators(text).wallets] == [
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
    ]


def test_bech32_wallet_is_stored_lower_case_once():
    text = (
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 or BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"
    )
    assert len(find_wallets(text)) == 1


def test_english_demand():
    ind = extract_indicators(
        "Send USD 5,000 in BTC to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa within 48 hours. "
        "Contact: evil[at]bad[.]example or hxxps://pay[.]bad[.]test/x. WhatsApp: +852 9123 4567"
    )
    assert ind.emails == ("evil@bad.example",)
    assert ind.urls == ("https://pay.bad.test/x",)
    assert ind.phones == ("+85291234567",)
    assert [(a.value, a.currency) for a in ind.amounts] == [(5000.0, "USD")]
    assert [d.hours for d in ind.deadlines] == [48.0]


@pytest.mark.parametrize(
    ("text", "amount", "hours"),
    [
        ("請在48小時內支付50,000港元，否則照片會寄給你的同事。", (50000.0, "HKD"), 48.0),
        ("请在七十二小时内支付5000美元的比特币。", (5000.0, "USD"), 72.0),
        ("三天內付款 2萬港元", (20000.0, "HKD"), 72.0),
        ("Pay $2,500 within two days", (2500.0, "USD"), 48.0),
        ("Überweisen Sie 0.25 BTC in 24 hours", (0.25, "BTC"), 24.0),
    ],
    ids=["zh-hant", "zh-hans", "wan-days", "dollar-words", "btc-amount"],
)
def test_amounts_and_deadlines(text: str, amount: tuple[float, str], hours: float):
    ind = extract_indicators(text)
    assert amount in [(a.value, a.currency) for a in ind.amounts]
    assert hours in [d.hours for d in ind.deadlines]


def test_a_duration_without_a_deadline_word_is_not_a_deadline():
    assert extract_indicators("The meeting lasted 3 hours and was productive.").deadlines == ()


def test_urls_emails_in_html_derived_text_and_plain():
    ind = extract_indicators("Visit www.example.org/page, or write to Office@Legco.Example.")
    assert ind.urls == ("http://www.example.org/page",)
    assert ind.emails == ("office@legco.example",)


@pytest.mark.parametrize(
    "text",
    [
        "a at b" + "  dot  b" * 5000 + " 1",
        "a@" + "b." * 20000,
        "a[at]b" + "[.]b" * 5000,
        "1," * 25000,
        "+1 " * 15000,
        "tel:" + "1 " * 25000,
        "http://" * 7000,
        "within " * 7000 + "48",
    ],
    ids=[
        "spaced-dots",
        "dotted-domain",
        "defanged-chain",
        "commas",
        "pluses",
        "tel",
        "urls",
        "within",
    ],
)
def test_hostile_text_cannot_stall_extraction(text: str):
    # A guard against catastrophic backtracking (a stalled cron run), not a speed target:
    # each of these finished in under 0.2 s; an earlier e-mail pattern took minutes.
    import signal

    def stalled(signum, frame):
        raise TimeoutError("indicator extraction stalled on hostile text")

    previous = signal.signal(signal.SIGALRM, stalled)
    signal.alarm(20)
    try:
        extract_indicators(text)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
