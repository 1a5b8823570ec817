"""Hash-busting filler: hidden HTML and word salad set apart, scattered cue words not added up."""

from __future__ import annotations

import random
import textwrap

import pytest

from triage.analyse import visible_text
from triage.classify import MessageText, judge_message, judging_text, message_cues
from triage.cues import PASSAGE_CHARS, find_passage
from triage.filler import MIN_FILLER_WORDS, split_filler
from triage.htmltext import read_html
from triage.normalize import normalise_for_judging

WALLET = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"

# Lifted prose of the kind the honeypot's false alarms carried: each sentence holds one
# cue word ("intimos", "paga", "prazo", "gravado"), none of them a demand.
PT_LIFTED = (
    "Ela manteve relacionamentos intimos durante toda a vida com poucas pessoas da cidade.",
    "Foi uma luta paga para conseguir o titulo depois de muitos anos de treino duro.",
    "A analise a longo prazo dos documentos mostrou uma historia bem diferente da oficial.",
    "O concerto foi gravado ao vivo no antigo teatro e lancado na primavera seguinte.",
    "Os moradores vao publicar as fotos da festa no jornal do bairro na proxima semana.",
    "Quem quiser pode enviar 20 reais para a associacao e ajudar a reformar a praca.",
    "O prazo para as inscricoes do concurso termina em 48 horas, segundo a organizacao.",
)
PT_PHISHING = (
    "Prezado cliente, detectamos um acesso incomum na sua conta. Para evitar o bloqueio, "
    "atualize seus dados hoje em https://banco-atualiza.test/acesso. Equipe de Seguranca."
)
PT_DEMAND = (
    "Gravei voce pela webcam enquanto via sites adultos. Pague 500 dolares em bitcoin para "
    f"a carteira {WALLET} nas proximas 48 horas ou enviarei o video para todos os seus "
    "contatos e colegas."
)


def _text(body: str, wallets: tuple[str, ...] = ()) -> MessageText:
    return MessageText(
        subject="", body=body, attachment_texts=(), wallets=wallets, recipient_name=None
    )


def _scattered(letter: str, rng: random.Random, blocks: int = 8) -> str:
    """The letter with pages of lifted prose around it, one cue word per few sentences."""
    pad = []
    for _ in range(blocks):
        sentences = list(PT_LIFTED)
        rng.shuffle(sentences)
        pad.append(" ".join(sentences[:3]) + " " + "A cidade cresceu muito nos ultimos anos. " * 6)
    return "\n\n".join([letter, *pad])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_filler_with_scattered_cue_words_stays_benign(seed: int):
    body = _scattered(PT_PHISHING, random.Random(seed))
    verdict = judge_message(_text(body))
    assert not verdict.extortion, verdict.reasons()
    counted = {c.group for c in verdict.cues} & {"threat", "recorded", "payment", "deadline"}
    assert len(counted) <= 2, verdict.reasons()


@pytest.mark.parametrize("seed", [1, 2])
def test_a_demand_inside_the_same_filler_is_still_found(seed: int):
    body = _scattered(PT_PHISHING + "\n\n" + PT_DEMAND, random.Random(seed))
    verdict = judge_message(_text(body, wallets=(WALLET,)))
    assert verdict.extortion, verdict.reasons()
    assert {"recorded", "payment", "deadline"} <= {c.group for c in verdict.cues}


def test_cues_count_in_one_passage_and_far_ones_are_reported_apart():
    near = normalise_for_judging(PT_DEMAND)
    assert {c.group for c in find_passage(near).cues} >= {"recorded", "payment", "deadline"}
    gap = " A cidade cresceu muito nos ultimos anos." * (PASSAGE_CHARS // 30)
    far = normalise_for_judging(f"Gravei voce pela webcam.{gap} Pague 500 dolares em bitcoin.")
    passage = find_passage(far)
    assert len(passage.cues) == 1
    assert {c.group for c in passage.cues} | {c.group for c in passage.scattered} == {
        "recorded",
        "payment",
    }


def test_word_salad_is_set_apart_and_prose_is_kept():
    rng = random.Random(4)
    words = [
        "rio",
        "jardim",
        "azul",
        "conta",
        "pagamento",
        "prazo",
        "gravado",
        "intimo",
        "camera",
        "familia",
    ]
    salad = " ".join(rng.choice(words) for _ in range(MIN_FILLER_WORDS + 10))
    wrapped = textwrap.fill(salad, 70)
    split = split_filler(f"{PT_PHISHING}\n\n{wrapped}\n\nObrigado.")
    assert PT_PHISHING in split.kept and "Obrigado." in split.kept
    assert "pagamento" not in split.kept
    assert split.filler.split() == salad.split()


def test_short_unpunctuated_lines_are_not_filler():
    # A terse note without punctuation: more than MIN_FILLER_WORDS words over its lines,
    # none of them a run of that many.
    note = [
        "i have your video from the webcam",
        "send five hundred dollars in bitcoin to this wallet",
        WALLET,
        "you have two days to do it",
        "or your wife and all your colleagues will see it",
    ]
    assert sum(len(line.split()) for line in note) > MIN_FILLER_WORDS
    split = split_filler("\n".join(note))
    assert split.filler == "" and split.kept == "\n".join(note)


@pytest.mark.parametrize(
    ("markup", "hidden"),
    [
        ('<div style="display:none">secret words</div>', True),
        ('<span style="visibility: hidden">secret words</span>', True),
        ('<p style="font-size:0px">secret words</p>', True),
        ('<p style="font-size:2px">secret words</p>', True),
        ('<p style="font-size:1pt">secret words</p>', True),
        ('<font color="#ffffff">secret words</font>', True),
        ('<p style="color:white">secret words</p>', True),
        ('<div style="max-height:0;overflow:hidden">secret words</div>', True),
        ("<div hidden>secret words</div>", True),
        ('<div style="display:none"><p><b>secret</b> words</p></div>', True),
        (
            '<table bgcolor="#000000"><tr><td><font color="#ffffff">secret words</font></td></tr></table>',
            False,
        ),
        ('<p style="font-size:9px;color:#777">secret words</p>', False),
        ("<p>secret words</p>", False),
    ],
    ids=lambda v: v if isinstance(v, bool) else v[:40],
)
def test_hidden_html_text_is_set_apart(markup: str, hidden: bool):
    read = read_html(f"<html><body><p>Visible letter.</p>{markup}<p>After.</p></body></html>")
    assert "Visible letter." in read.visible and "After." in read.visible
    assert ("secret words" in " ".join(read.hidden.split())) is hidden
    assert ("secret" in read.visible) is not hidden


def test_hidden_scope_ends_with_its_element():
    read = read_html('<div style="display:none"><p>gone</p></div><p>seen</p><br><img src=x>tail')
    assert read.hidden.strip() == "gone"
    assert "seen" in read.visible and "tail" in read.visible


def test_visible_text_prefers_the_plain_part_and_sets_filler_apart():
    salad = " ".join(["palavra"] * (MIN_FILLER_WORDS + 5))
    body, apart = visible_text(f"Ola.\n\n{salad}", "<p style='display:none'>x</p>")
    assert body.strip() == "Ola." and apart == salad
    body, apart = visible_text("", "<p>Ola.</p><p style='display:none'>escondido</p>")
    assert body == "Ola." and apart.strip() == "escondido"


def test_a_wallet_counts_with_the_cues_of_its_own_passage_only():
    # An investment spam's wallet at the top, a retold sextortion pasted far below it:
    # no threat and demand of one letter, however the two sound together.
    gap = " A cidade cresceu muito nos ultimos anos." * (PASSAGE_CHARS // 30)
    spam = f"Invista em bitcoin com o nosso robo. Carteira {WALLET}.{gap}"
    story = "Voce sabia? Eles gravaram voce pela webcam e vao enviar o video aos seus contatos."
    verdict = judge_message(_text(spam + " " + story, wallets=(WALLET,)))
    groups = {c.group for c in verdict.cues}
    assert "wallet" not in groups or not groups & {"threat", "recorded"}, verdict.reasons()
    near = judge_message(_text(PT_DEMAND, wallets=(WALLET,)))
    assert {"wallet", "recorded"} <= {c.group for c in near.cues}, near.reasons()


def test_a_lone_cue_in_prose_about_others_is_not_counted():
    # Third-person prose with one cue word speaks to no reader.
    news = normalise_for_judging(
        "A policia prendeu dois homens. Eles ameacavam divulgar imagens intimas das vitimas."
    )
    assert find_passage(news).cues == ()
    assert {c.group for c in find_passage(news).scattered} == {"recorded"}


def test_a_cue_counts_in_its_own_sentence_and_in_chinese_one_sentence_on():
    # Lifted prose next to a letter does not borrow the letter's "you"...
    lifted = normalise_for_judging(
        "Sie haben 48 Stunden. Der Konzertabend wurde im alten Theater aufgenommen."
    )
    assert "recorded" not in {c.group for c in find_passage(lifted).cues}
    # ... but Chinese drops the pronoun once the reader is named.
    letter = normalise_for_judging("陳先生,我們知道你是誰。否則照片會公開給傳媒。")
    assert "threat" in {c.group for c in find_passage(letter).cues}


def _cue_groups(body: str) -> set[str]:
    text = _text(body)
    return {c.group for c in message_cues(text, judging_text(text))}


def test_german_case_tells_the_reader_from_third_persons():
    # Lifted prose: "sie" and "ihr" in lower case are they and her, not the reader.
    prose = "Die Nachbarn sagten, sie haben das Konzert aufgenommen und ihr Ruf sei ruiniert."
    assert not _cue_groups(prose) & {"threat", "recorded"}
    # The reader's "Sie" is capitalised, after "wenn" too ...
    assert "threat" in _cue_groups("Ich werde das Video senden, wenn Sie nicht zahlen.")
    # ... and where the text has no case to tell, the old guess stands: after "wenn" it is
    # they, after a verb it is you.
    assert "threat" not in _cue_groups("ich werde das video senden, wenn sie nicht zahlen.")
    assert "threat" in _cue_groups("ich werde das video senden, sollten sie nicht zahlen.")


# A crypto spam whose link line ends without a full stop, and a sentence lifted from a
# novel in the next paragraph: the link line's "your" must not make the novel speak to the
# reader ("intimate" is a recorded-act cue word).
_SPAM_LINK_LINE = (
    f"Send any amount of ETH to {WALLET} and get double back within the hour."
    "\n\nOpen your account: https://promo.test/start"
)
_LIFTED_LINE = "Years of intimate friendships filled her youth in the old port town."


@pytest.mark.parametrize(
    ("joiner", "counted"),
    [("\n\n", False), ("\n", True), (" ", True)],
    ids=["blank-line-ends-the-sentence", "line-break-does-not", "same-line-does-not"],
)
def test_a_paragraph_break_ends_the_sentence_a_lifted_line_is_judged_in(joiner, counted):
    verdict = judge_message(_text(_SPAM_LINK_LINE + joiner + _LIFTED_LINE, (WALLET,)))
    groups = {c.group for c in verdict.cues}
    assert ("recorded" in groups) is counted
    if not counted:
        assert not verdict.extortion
