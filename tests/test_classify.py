"""Extortion verdicts: cue groups, languages, hard negatives, obfuscation, clusters.

The letters here are written for these tests, not taken from the labelled set, so
they check that the shipped model and the cues generalise a little.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests import mailbuild as mb
from tests.pictures import text_pdf
from triage.classify import (
    COMBINER_FEATURES,
    ExtortionVerdict,
    MessageText,
    VerdictModel,
    combiner_features,
    judge_cluster,
    judge_message,
    load_model,
    model_path,
)
from triage.config import Config
from triage.cues import Cue, blank_payment
from triage.pipeline import Workspace, ingest_stream
from triage.records import RawMessage

WALLET = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"


def _text(body: str, *, subject: str = "", wallets: tuple[str, ...] = (), name: str | None = None,
          pdfs: tuple[str, ...] = ()) -> MessageText:  # fmt: skip
    return MessageText(
        subject=subject, body=body, attachment_texts=pdfs, wallets=wallets, recipient_name=name
    )


def _groups(verdict: ExtortionVerdict) -> set[str]:
    return {cue.group for cue in verdict.cues}


EN_SEXTORTION = (
    "Hon. Walsh, I got into your laptop last spring and the camera recorded you on an adult "
    "site. Send 0.3 BTC to " + WALLET + " within 48 hours or I will forward the clip to your "
    "colleagues and your family. Do not contact the police."
)


@pytest.mark.parametrize(
    ("body", "group"),
    [
        pytest.param("I will forward the clip to your colleagues.", "threat", id="threat"),
        pytest.param("The camera recorded you on an adult site.", "recorded", id="recorded"),
        pytest.param("Send 0.3 BTC to the address below.", "payment", id="payment"),
        pytest.param("You have 48 hours.", "deadline", id="deadline"),
        pytest.param("Do not contact the police.", "secrecy", id="secrecy"),
    ],
)
def test_each_text_cue_group_fires(body: str, group: str) -> None:
    assert group in _groups(judge_message(_text(body)))


def test_wallet_and_addressed_cues_come_from_the_indicators() -> None:
    verdict = judge_message(_text(EN_SEXTORTION, wallets=(WALLET,), name="Hon. Peter Walsh"))
    by_group = {cue.group: cue.evidence for cue in verdict.cues}
    assert by_group["wallet"] == WALLET
    assert by_group["addressed"] == "walsh"


def test_sextortion_verdict_carries_its_reasons() -> None:
    verdict = judge_message(_text(EN_SEXTORTION, wallets=(WALLET,)))
    assert verdict.extortion
    assert verdict.score > 0.9
    assert verdict.language == "en"
    assert {"threat", "recorded", "payment", "deadline", "secrecy", "wallet"} <= _groups(verdict)
    reasons = verdict.reasons()
    assert reasons[0].startswith("extortion: score")
    assert any(line.startswith("threat: ") for line in reasons[1:])


@pytest.mark.parametrize(
    ("language", "body"),
    [
        pytest.param(
            "en",
            "Those nude photos of you will be mailed to every journalist in town unless "
            "you wire 2,000 dollars in bitcoin by tonight.",
            id="en",
        ),
        pytest.param(
            "zh-Hant",
            "我們錄下了你在酒店的片段。三天內支付五千美元比特幣，否則片段會寄給你的家人和傳媒。",
            id="zh-Hant",
        ),
        pytest.param(
            "zh-Hans",
            "你在网上聊天的裸照在我手里。48小时内转2000美元比特币到下面的钱包，不然就发给你的同事。",
            id="zh-Hans",
        ),
        pytest.param(
            "es",
            "Tengo un vídeo íntimo suyo. Si no paga 900 euros en bitcoin en 24 horas, "
            "lo enviaré a toda su familia.",
            id="es",
        ),
        pytest.param(
            "pt",
            "Tenho um vídeo íntimo seu. Se não pagar 900 euros em bitcoin em 24 horas, "
            "enviarei para toda a sua família.",
            id="pt",
        ),
        pytest.param(
            "de",
            "Ich besitze ein intimes Video von Ihnen. Zahlen Sie 900 Euro in Bitcoin "
            "innerhalb von 24 Stunden, sonst schicke ich es an Ihre Familie.",
            id="de",
        ),
        pytest.param(
            "fr",
            "J'ai une vidéo intime de vous. Si vous ne payez pas 900 euros en bitcoin "
            "sous 24 heures, je l'enverrai à toute votre famille.",
            id="fr",
        ),
        pytest.param(
            "it",
            "Ho un video intimo di te. Se non paghi 900 euro in bitcoin entro 24 ore, "
            "lo invierò a tutta la tua famiglia.",
            id="it",
        ),
        pytest.param(
            "ja",
            "あなたのわいせつな動画を持っています。24時間以内にビットコインで10万円を送金しなければ、"
            "家族全員に送ります。",
            id="ja",
        ),
    ],
)
def test_extortion_is_recognised_in_each_language(language: str, body: str) -> None:
    verdict = judge_message(_text(body, wallets=(WALLET,)))
    assert verdict.extortion, verdict.reasons()
    assert verdict.language == language


@pytest.mark.parametrize(
    ("language", "body"),
    [
        pytest.param(
            "en",
            "Dear Member, the minutes of Tuesday's housing committee are attached. "
            "Please send corrections by Friday.",
            id="en",
        ),
        pytest.param(
            "zh-Hant", "議員你好，下星期三的地區會議改到社區會堂舉行，請準時出席。", id="zh-Hant"
        ),
        pytest.param(
            "zh-Hans", "议员您好，下周三的社区会议改到活动中心举行，请准时参加。", id="zh-Hans"
        ),
        pytest.param(
            "es", "Estimada diputada, le adjunto el acta de la reunión vecinal del martes.", id="es"
        ),
        pytest.param(
            "pt",
            "Prezada deputada, segue em anexo a ata da reunião do bairro de terça-feira.",
            id="pt",
        ),
        pytest.param(
            "de",
            "Sehr geehrte Frau Abgeordnete, anbei das Protokoll der Bürgerversammlung.",
            id="de",
        ),
        pytest.param(
            "fr",
            "Madame la députée, veuillez trouver ci-joint le compte rendu de la réunion.",
            id="fr",
        ),
        pytest.param(
            "it", "Gentile onorevole, in allegato il verbale dell'assemblea di quartiere.", id="it"
        ),
        pytest.param(
            "ja", "議員各位、来週水曜日の地域会議は公民館で開催されます。ご出席ください。", id="ja"
        ),
    ],
)
def test_ordinary_mail_is_not_extortion_in_each_language(language: str, body: str) -> None:
    verdict = judge_message(_text(body))
    assert not verdict.extortion, verdict.reasons()
    assert verdict.language == language


@pytest.mark.parametrize(
    ("body", "wallets"),
    [
        pytest.param(
            "Our fund turned 1 BTC into 3 BTC for members this year. Deposit at least "
            "0.1 BTC to " + WALLET + " within 24 hours to join the next round.",
            (WALLET,),
            id="crypto_investment_scam",
        ),
        pytest.param(
            "Your mailbox storage is full and will be suspended within 12 hours. Log in "
            "at http://mail-quota.test to keep your messages.",
            (),
            id="account_suspension_phishing",
        ),
        pytest.param(
            "Bitcoin hit a record high on Monday, and regulators warned investors about "
            "fraudsters who demand payment in crypto within a deadline.",
            (),
            id="bitcoin_news",
        ),
        pytest.param(
            "Dear Member, a video of you shouting at the council meeting is all over "
            "Facebook. My friends and colleagues saw it. You owe us an explanation.",
            (),
            id="constituent_complains_about_video",
        ),
        pytest.param(
            "Invoice 2291 for printing the annual report: USD 1,240, payable within 30 "
            "days by bank transfer.",
            (),
            id="invoice",
        ),
        pytest.param(
            "Harbour Arts newsletter: summer concerts, a photography workshop and volunteer "
            "opportunities. Unsubscribe any time.",
            (),
            id="newsletter",
        ),
        pytest.param(
            "PRESS RELEASE: The Member will publish the housing report on Monday and "
            "send copies to all community groups.",
            (),
            id="press_release",
        ),
        pytest.param(
            "Police advice: if someone claims to have intimate images of you and demands "
            "bitcoin, do not pay and report it to us.",
            (),
            id="police_warning",
        ),
    ],
)
def test_hard_negatives_are_not_extortion(body: str, wallets: tuple[str, ...]) -> None:
    verdict = judge_message(_text(body, wallets=wallets))
    assert not verdict.extortion, verdict.reasons()


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            EN_SEXTORTION.replace("a", "а").replace("o", "о").replace("p", "р"),
            id="cyrillic_homoglyphs",
        ),
        pytest.param("\u200b".join(EN_SEXTORTION), id="zero_width_between_every_letter"),
        pytest.param(
            EN_SEXTORTION.replace("recorded", "r.e.c.o.r.d.e.d").replace("Send", "S-e-n-d"),
            id="filler",
        ),
        pytest.param(
            EN_SEXTORTION.replace("o", "&#111;").replace("e", "&#x65;"), id="html_entities"
        ),
    ],
)
def test_obfuscated_extortion_is_still_recognised(body: str) -> None:
    clean = judge_message(_text(EN_SEXTORTION, wallets=(WALLET,)))
    verdict = judge_message(_text(body, wallets=(WALLET,)))
    assert verdict.extortion, verdict.reasons()
    assert _groups(verdict) == _groups(clean)


def test_threat_inside_a_pdf_attachment_is_judged() -> None:
    without_pdf = _text("Please read the attached document carefully.")
    with_pdf = replace(without_pdf, attachment_texts=(EN_SEXTORTION,), wallets=(WALLET,))
    assert not judge_message(without_pdf).extortion
    assert judge_message(with_pdf).extortion


def test_judging_does_not_touch_the_evidence(tmp_path: Path) -> None:
    """An obfuscated threat in a PDF is judged through its skeleton; the store and the evidence
    file keep what was sent."""
    threat = "P&#97;y 0.5 BTC now or your colleagues see the V-I-D-E-O of you. " * 3
    msg = mb.original(body=f"Read the attachment. {WALLET}", image=False)
    msg.add_attachment(text_pdf(threat), maintype="application", subtype="pdf", filename="a.pdf")
    raw = mb.raw(msg)
    ws = Workspace.open(Config(), tmp_path / "t.db")
    try:
        received = datetime(2025, 2, 1, tzinfo=UTC)
        ingest_stream(ws, [RawMessage.from_bytes(raw, source="m.eml", received_at=received)])
        (verdict,) = ws.store.rows("SELECT extortion FROM verdicts")
        texts = [r["text"] for r in ws.store.rows("SELECT text FROM message_texts")]
    finally:
        ws.close()
    assert verdict["extortion"] == 1
    assert [t.strip() for t in texts] == [threat.strip()]
    (kept,) = [p for p in (tmp_path / "evidence" / "raw").rglob("*") if p.is_file()]
    assert kept.read_bytes() == raw


def _verdict(score: float, *, threshold: float = 0.5, language: str = "en") -> ExtortionVerdict:
    return ExtortionVerdict(
        score=score,
        extortion=score >= threshold,
        cues=(Cue(group="threat", evidence="send it to your colleagues"),) if score >= 0.5 else (),
        language=language,
        model_score=score,
    )


def test_cluster_with_one_confident_member_judges_image_only_members_with_it() -> None:
    image_only = judge_message(_text("", wallets=(WALLET,)))
    assert not image_only.extortion
    text_member = judge_message(_text(EN_SEXTORTION, wallets=(WALLET,)))
    cluster = judge_cluster([image_only, text_member], names=["<img@x>", "<text@x>"])
    assert cluster.extortion
    assert cluster.score == text_member.score
    evidence = [cue.evidence for cue in cluster.cues if cue.group == "cluster"]
    assert evidence[0] == f"<text@x>: extortion, score {text_member.score:.2f}"
    assert "1 of 2 members judged extortion" in evidence[1]
    assert any(
        cue.evidence.startswith("<text@x>: ") for cue in cluster.cues if cue.group == "threat"
    )


@pytest.mark.parametrize(
    ("scores", "extortion"),
    [
        pytest.param([0.1, 0.2, 0.3], False, id="no_member_flagged"),
        pytest.param([0.1, 0.6], False, id="one_weak_member_is_not_enough"),
        pytest.param([0.1, 0.6, 0.55], True, id="two_weak_members_agree"),
        pytest.param([0.05, 0.95], True, id="one_confident_member"),
        pytest.param([], False, id="empty_cluster"),
    ],
)
def test_cluster_verdict_rules(scores: list[float], extortion: bool) -> None:
    cluster = judge_cluster([_verdict(s) for s in scores])
    assert cluster.extortion is extortion
    assert cluster.score == max(scores, default=0.0)


def test_cluster_reasons_name_members_by_default_and_names_must_match() -> None:
    cluster = judge_cluster([_verdict(0.2), _verdict(0.9, language="zh-Hant")])
    assert cluster.cues[0].evidence == "member 2: extortion, score 0.90"
    assert cluster.language == "zh-Hant"
    with pytest.raises(ValueError, match="names"):
        judge_cluster([_verdict(0.9)], names=["a", "b"])


def test_shipped_model_is_small_and_checks_its_features() -> None:
    assert model_path().stat().st_size < 2 * 1024 * 1024
    arrays = load_model().to_arrays()
    arrays["combiner_features"] = arrays["combiner_features"][:-1]
    with pytest.raises(ValueError, match="retrain"):
        VerdictModel.from_arrays(arrays)


def test_a_model_file_for_another_reading_of_the_text_is_refused() -> None:
    import numpy as np

    arrays = load_model().to_arrays()
    arrays["ngram_text"] = np.array(["raw"])
    with pytest.raises(ValueError, match="retrain"):
        VerdictModel.from_arrays(arrays)
    del arrays["ngram_text"]  # a file from before the payment words were blanked
    with pytest.raises(ValueError, match="retrain"):
        VerdictModel.from_arrays(arrays)


def test_the_text_model_does_not_read_how_money_is_asked_for() -> None:
    # Every phishing mail asks for money as extortion does; the payment and wallet cues
    # carry the demand, the text model the rest of the letter.
    letter = "I have the video of you from the hotel. {} Your colleagues will get it otherwise."
    asks = ("Send 0.3 BTC.", "Pay 2,000 euros.", "Transfer 500 dollars.")
    scores = {load_model().ngram_score(letter.format(ask).lower()) for ask in asks}
    assert len(scores) == 1
    kept = blank_payment("our method works together with 500 euros of bitcoin")
    assert "method" in kept and "together" in kept
    assert "500 euros" not in kept and "bitcoin" not in kept


def test_importing_classify_does_not_import_sklearn_or_numpy() -> None:
    code = (
        "import sys, triage.classify, triage.cues, triage.normalize; "
        "print(sorted(m for m in ('sklearn', 'numpy', 'scipy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- neither part vetoes the other ---------------------------------------------------


def _cue_heavy_model() -> VerdictModel:
    """The shipped model with a combiner that, like the one the issue measured, leans on
    the cues: a confident text model alone cannot lift it over the line."""
    import numpy as np

    shipped = load_model()
    weights = np.zeros(len(COMBINER_FEATURES))
    weights[0] = 1.0  # the text model barely counts ...
    weights[COMBINER_FEATURES.index("exposure_demand_and_pressure")] = 8.0  # ... the cues do
    return replace(shipped, combiner_coef=weights, combiner_intercept=-4.0)


def test_a_sure_text_model_decides_when_the_cues_are_silent() -> None:
    model = replace(_cue_heavy_model(), model_alone=0.85)
    silent = combiner_features(0.93, [])
    assert model.combine(silent) < 0.5  # the combiner alone would have vetoed it
    score, note = model.decide(0.93, silent)
    assert score == pytest.approx(0.93)
    assert note is not None and "text model alone" in note.evidence
    unsure, no_note = model.decide(0.7, silent)  # below model_alone: the combiner rules
    assert unsure < 0.5 and no_note is None


def _model_heavy_model() -> VerdictModel:
    """The shipped model with a combiner that hears only the text model."""
    import numpy as np

    weights = np.zeros(len(COMBINER_FEATURES))
    weights[0] = 8.0
    return replace(load_model(), combiner_coef=weights, combiner_intercept=0.0)


def test_cues_that_fall_together_decide_when_the_text_model_is_unsure() -> None:
    model = replace(_model_heavy_model(), cues_alone=0.9)
    together = [Cue(group=g, evidence="x") for g in ("threat", "payment", "deadline", "wallet")]
    features = combiner_features(0.05, together)
    cues = model.cues_score(features)
    if cues < model.cues_alone:
        pytest.fail(f"cues alone score {cues:.2f}: the shipped cue weights lost their meaning")
    assert model.cues_score(combiner_features(0.05, together[1:])) < cues  # fewer, weaker
    assert model.combine(features) < 0.5  # the combiner alone would have vetoed them
    score, note = model.decide(0.05, features)
    assert score == pytest.approx(cues)
    assert note is not None and "cues in one passage" in note.evidence


def test_the_verdict_says_which_part_decided() -> None:
    model = replace(_cue_heavy_model(), model_alone=0.0)  # any text model score is sure
    verdict = judge_message(_text("Nothing to see here, just a note about lunch."), model=model)
    decided = [c for c in verdict.cues if c.group == "decided"]
    assert decided and "text model alone" in decided[0].evidence
    assert any("decided: by the text model alone" in line for line in verdict.reasons())


# A constituent's retelling of the extortion her mother received, written for this test:
# it quotes the threat, the amount, the wallet and the deadline, but tells of them.
RETOLD = (
    "Dear Ms Kwok, I am writing on behalf of my mother, who is 78. On Friday she received an "
    "email from a stranger. The man claimed he had hacked her computer and recorded her "
    "through the webcam, and he demanded 0.2 BTC sent to " + WALLET + " within 48 hours, or "
    'he would send the video to all her contacts. It said: "You have 48 hours. Do not go to '
    'the police." She has not paid anything and is very frightened. Is this a known scam? '
    "What should she do? Thank you, Paul Grant"
)


def test_a_victims_retelling_of_an_extortion_is_not_extortion() -> None:
    verdict = judge_message(_text(RETOLD, wallets=(WALLET,), name="Hon. Ada Kwok"))
    assert not verdict.extortion, verdict.reasons()
    assert "retold" in _groups(verdict)


@pytest.mark.parametrize("how", ["attachment", "inline"])
def test_an_office_forwarding_the_extortion_mail_itself_stays_extortion(
    tmp_path: Path, how: str
) -> None:
    """The normal case: the office's note retells the mail, but the forward is unwrapped and
    the original, which makes the demand, is what is judged."""
    letter = (
        "Hon. Kwok, I got into your laptop last spring and the camera recorded you on an adult "
        "site. Send 0.3 BTC to " + WALLET + " within 48 hours or I will forward the clip to "
        "your colleagues and your family. Do not contact the police."
    )
    note = (
        "The Member received the email below last night. The sender claims he recorded her "
        "and demands 0.3 BTC; she has not paid. Forwarding as instructed."
    )
    if how == "attachment":
        outer = mb.forward_as_attachment(mb.original(body=letter))
        body = outer.get_body(("plain",))
        assert body is not None
        body.set_content(note)  # the office's words instead of the default note
    else:
        block = (
            "---------- Forwarded message ---------\nFrom: Night Owl <owl@badmail.test>\n"
            "Date: Mon, 3 Feb 2025 at 10:15\nSubject: Your pictures\n"
            "To: Hon. Ada Kwok <ada.kwok@legco.example>\n\n" + letter + "\n"
        )
        outer = mb.forward_inline(block, note=note)
    ws = Workspace.open(Config(), tmp_path / "t.db")
    try:
        received = datetime(2025, 2, 4, tzinfo=UTC)
        message = RawMessage.from_bytes(mb.raw(outer), source="f.eml", received_at=received)
        ingest_stream(ws, [message])
        (row,) = ws.store.rows("SELECT extortion, cues FROM verdicts")
    finally:
        ws.close()
    assert row["extortion"] == 1, row
    assert "retold" not in row["cues"]


def test_a_sure_text_model_does_not_decide_alone_against_a_retelling() -> None:
    model = replace(_cue_heavy_model(), model_alone=0.85)
    retold = combiner_features(0.93, [Cue(group="retold", evidence="the sender claimed")])
    score, note = model.decide(0.93, retold)
    assert score == pytest.approx(model.combine(retold))  # weighed, not carried alone
    assert note is None or "text model alone" not in note.evidence


# Complaints about a video of the member, written for this test: one weak cue ("video of
# you") and nothing else, the kind the text model is unsure of (a fixture complaint of
# this kind, text model 0.54, was judged extortion at 0.60 by an earlier combiner).
COMPLAINTS = (
    "Dear Ms Kwok, the video of you laughing during the minute of silence is going around. "
    "My whole office has seen it. I expect an explanation in your next newsletter.",
    "Hon. Kwok, that video of you arguing with the bus driver is everywhere. My family saw "
    "it last night. Please answer for it at the district meeting.",
)


@pytest.mark.parametrize("body", COMPLAINTS)
def test_a_complaint_with_one_weak_cue_and_an_unsure_text_model_is_not_extortion(
    body: str,
) -> None:
    verdict = judge_message(_text(body, subject="That video of you", name="Hon. Ada Kwok"))
    assert 0.4 <= verdict.model_score <= 0.65, verdict.reasons()  # the case meant: unsure
    assert _groups(verdict) & {"threat", "recorded", "payment", "deadline", "wallet"} == {
        "recorded"
    }
    assert not verdict.extortion, verdict.reasons()


@pytest.mark.parametrize("model_score", [0.5, 0.55, 0.6])
def test_a_lone_exposure_cue_does_not_tip_a_mid_text_score_but_a_demand_beside_it_does(
    model_score: float,
) -> None:
    model = load_model()
    lone = [Cue(group="recorded", evidence="that video of you")]
    score, _ = model.decide(model_score, combiner_features(model_score, lone))
    assert score < 0.5
    demand = [
        *lone,
        Cue(group="payment", evidence="send 0.3 btc"),
        Cue(group="wallet", evidence=WALLET),
    ]
    assert model.decide(model_score, combiner_features(model_score, demand))[0] >= 0.5
