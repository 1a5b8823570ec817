"""Message text -> extortion verdict with reasons; member verdicts -> cluster verdict.

Pure apart from reading the shipped model file once (cached). Two parts decide:
a character n-gram model over the judging skeleton with its payment phrases and money
words blanked, which carries the languages and phrasings no pattern list anticipates
(the demand itself is left to the cues: every phishing mail asks for money in the same
words), and cue groups found together in one passage,
which say *why* in words an investigator can check, with the benign tells of phishing
and spam (triage.tells) as evidence the other way. A small logistic combiner weighs
the two; it was fitted on n-gram scores of template families the n-gram model had not
seen (leave-one-family-out), so it trusts the model as far as it deserves on new
wording. Neither part can veto the other: a text model sure on its own (a threshold
also set on unseen families) carries the verdict when the cues are silent, and cues
that all fall together carry it when the model is unsure; the verdict then says which
part decided and why. scikit-learn and numpy are imported inside the functions that
need them, so importing this module (and `triage --help`) stays fast.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from triage.cues import Cue, blank_payment, find_passage, guess_language, mask_third_person
from triage.normalize import normalise_for_judging
from triage.tells import find_retellings, find_tells

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from sklearn.feature_extraction.text import HashingVectorizer

__all__ = [
    "COMBINER_FEATURES",
    "Cue",
    "ExtortionVerdict",
    "MessageText",
    "VerdictModel",
    "judge_cluster",
    "judge_message",
]

DEFAULT_THRESHOLD = 0.5
# A single member this sure carries its whole cluster; below it, two flagged members
# must agree, so one borderline press photo does not turn a cluster into extortion.
CONFIDENT = 0.8
MAX_JUDGED_CHARS = 50_000  # the threat is at the top; a 2 MB newsletter need not be read whole

# The n-gram space. char_wb 1..4: single characters matter for Chinese and Japanese,
# where one or two characters are a word. 2**18 buckets keep collisions rare for the
# training set's vocabulary while the shipped weights stay well under 1 MB compressed.
N_FEATURES = 2**18
NGRAM_RANGE = (1, 4)
# What the n-gram model reads of the skeleton; the model file records it and must agree.
NGRAM_TEXT = "payment-blanked"

# Inputs of the combiner, in order; the model file records them and must agree.
CUE_GROUPS = (
    "threat", "recorded", "payment", "deadline", "wallet", "addressed", "secrecy", "tell",
    "retold",
)  # fmt: skip
# The combiner reads the cues as what they mean together, not one flag each: a wallet, a
# payment, a deadline, "do not reply" or the reader's name alone are every phishing mail,
# "recorded" alone is every concert review, "will publish" alone every press release.
# Exposure (a threat or a recorded act) with a demand (a payment or a wallet) in one
# passage is what extortion says and spam does not.
CUE_FEATURES = (
    "exposure_and_demand",
    "exposure_demand_and_pressure",  # ... and a deadline or a call for secrecy
    # What phishing and spam want (a login, a parcel fee, a prize, an order; triage.tells)
    # where no threat or recorded act speaks to the reader: evidence against extortion.
    "tell_without_exposure",
    # The demand retold, not made (reported speech, a scam named, what was done about it;
    # triage.tells), in the passage where the demand stands: mail about an extortion.
    "retold",
    # What the cues say when exposure and demand do not fall together, so that the
    # intercept is one case (a lone exposure or pressure cue: a complaint about a video, a
    # press deadline) and not the average of three: a demand with no threat found (most
    # letters whose threat is worded in a way no pattern knows), and no cue at all.
    "demand_without_exposure",
    "no_cue",
)
COMBINER_FEATURES = ("model_logit", *CUE_FEATURES)
_BENIGN_FEATURES = ("tell_without_exposure", "retold")
_LOGIT_CLIP = 8.0
# A part this sure while the other says less than DISAGREE_LOW is reported as a
# disagreement, whichever way the verdict went.
DISAGREE_HIGH = 0.75
DISAGREE_LOW = 0.25

# Titles dropped from the recipient's name before looking for it in the text.
_HONORIFICS = frozenset(
    (
        "hon", "honourable", "honorable", "mr", "mrs", "ms", "miss", "dr", "prof", "sir",
        "dame", "sr", "sra", "srta", "dona", "don", "herr", "frau", "m", "mme", "mlle",
        "sig", "sigra", "dott", "dottssa", "deputado", "deputada", "diputado", "diputada",
    )
)  # fmt: skip
_CJK_HONORIFICS = re.compile(r"(?:议员|議員|先生|女士|小姐|様|さま|さん)$")
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageText:
    """Everything a verdict reads of one original message."""

    subject: str
    body: str  # the original's text part, or its HTML as text
    attachment_texts: tuple[str, ...]  # text of PDF attachments
    wallets: tuple[str, ...]  # crypto addresses found by the indicator extractor
    recipient_name: str | None  # the legislator's display name, when known
    picture_texts: tuple[str, ...] = ()  # words and QR payloads read in the pictures


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtortionVerdict:
    score: float  # 0..1, the combiner's probability of extortion
    extortion: bool  # score >= the threshold it was judged with
    cues: tuple[Cue, ...]  # why: the cue groups of the passage, "decided" and "scattered" notes
    language: str | None  # best guess, one of triage.cues.LANGUAGES
    model_score: float  # the n-gram model alone, before the cues are weighed in

    def reasons(self) -> list[str]:
        """One line per reason, the verdict first; what `show` prints."""
        head = "extortion" if self.extortion else "not extortion"
        lines = [
            f"{head}: score {self.score:.2f} (text model {self.model_score:.2f}, "
            f"language {self.language or 'unknown'})"
        ]
        lines.extend(f"{cue.group}: {cue.evidence}" for cue in self.cues)
        return lines


# Cue groups that are notes on the verdict rather than words found in the text.


@dataclass(frozen=True, slots=True, kw_only=True)
class VerdictModel:
    """Weights of the n-gram model and the combiner, as trained by training/verdicts."""

    ngram_coef: npt.NDArray[np.float32]  # one weight per hashed n-gram bucket
    ngram_intercept: float
    combiner_coef: npt.NDArray[np.float64]  # one weight per COMBINER_FEATURES entry
    combiner_intercept: float
    cue_coef: npt.NDArray[np.float64]  # the cues alone: one weight per CUE_FEATURES entry
    cue_intercept: float
    model_alone: float  # a text model score this high decides alone (set on unseen families)
    cues_alone: float  # a cues-alone score this high decides alone (set on unseen families)

    def to_arrays(self) -> dict[str, Any]:
        """The npz layout; plain arrays so loading needs no pickle."""
        import numpy as np

        return {
            "ngram_coef": self.ngram_coef.astype(np.float32),
            "ngram_intercept": np.array([self.ngram_intercept]),
            "combiner_coef": self.combiner_coef.astype(np.float64),
            "combiner_intercept": np.array([self.combiner_intercept]),
            "combiner_features": np.array(COMBINER_FEATURES),
            "cue_coef": self.cue_coef.astype(np.float64),
            "cue_intercept": np.array([self.cue_intercept]),
            "alone": np.array([self.model_alone, self.cues_alone]),
            "n_features": np.array([N_FEATURES]),
            "ngram_text": np.array([NGRAM_TEXT]),
            "ngram_range": np.array(NGRAM_RANGE),
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, Any]) -> VerdictModel:
        if (
            tuple(str(f) for f in arrays["combiner_features"]) != COMBINER_FEATURES
            or "cue_coef" not in arrays
            or int(arrays["n_features"][0]) != N_FEATURES
            or "ngram_text" not in arrays
            or str(arrays["ngram_text"][0]) != NGRAM_TEXT
            or tuple(int(n) for n in arrays["ngram_range"]) != NGRAM_RANGE
        ):
            raise ValueError("verdict model was trained for other features; retrain it")
        return cls(
            ngram_coef=arrays["ngram_coef"],
            ngram_intercept=float(arrays["ngram_intercept"][0]),
            combiner_coef=arrays["combiner_coef"],
            combiner_intercept=float(arrays["combiner_intercept"][0]),
            cue_coef=arrays["cue_coef"],
            cue_intercept=float(arrays["cue_intercept"][0]),
            model_alone=float(arrays["alone"][0]),
            cues_alone=float(arrays["alone"][1]),
        )

    def ngram_score(self, skeleton: str) -> float:
        row = make_vectorizer().transform([skeleton])
        return _sigmoid(float(row.dot(self.ngram_coef)[0]) + self.ngram_intercept)

    def combine(self, features: Sequence[float]) -> float:
        z = sum(w * f for w, f in zip(self.combiner_coef.tolist(), features, strict=True))
        return _sigmoid(z + self.combiner_intercept)

    def cues_score(self, features: Sequence[float]) -> float:
        """The cues alone; `features` in COMBINER_FEATURES order (the model's is skipped)."""
        z = sum(w * f for w, f in zip(self.cue_coef.tolist(), features[1:], strict=True))
        return _sigmoid(z + self.cue_intercept)

    def decide(self, model_score: float, features: Sequence[float]) -> tuple[float, Cue | None]:
        """The score, and a note when one part decided against the other's silence."""
        combined = self.combine(features)
        cues = self.cues_score(features)
        # The text model decides alone when the cues are silent, not when they speak
        # against it: a retelling reads like the letter it retells.
        benign = any(features[COMBINER_FEATURES.index(f)] for f in _BENIGN_FEATURES)
        if model_score >= self.model_alone and combined < model_score and not benign:
            return model_score, Cue(
                group="decided",
                evidence=f"by the text model alone ({model_score:.2f}, sure on unseen wording "
                f"from {self.model_alone:.2f}); the cues together say {cues:.2f}",
            )
        if cues >= self.cues_alone and combined < cues:
            return cues, Cue(
                group="decided",
                evidence=f"by the cues in one passage ({cues:.2f}, sure from "
                f"{self.cues_alone:.2f}); the text model says {model_score:.2f}",
            )
        if model_score >= DISAGREE_HIGH and cues < DISAGREE_LOW:
            return combined, Cue(
                group="decided",
                evidence=f"parts disagree: the text model says {model_score:.2f}, the cues "
                f"{cues:.2f}; weighed together {combined:.2f}",
            )
        if cues >= DISAGREE_HIGH and model_score < DISAGREE_LOW:
            return combined, Cue(
                group="decided",
                evidence=f"parts disagree: the cues say {cues:.2f}, the text model "
                f"{model_score:.2f}; weighed together {combined:.2f}",
            )
        return combined, None


def judge_message(
    text: MessageText, *, threshold: float = DEFAULT_THRESHOLD, model: VerdictModel | None = None
) -> ExtortionVerdict:
    """Verdict on one original message; `model` defaults to the shipped one."""
    model = model or load_model()
    skeleton = judging_text(text)
    cues, scattered = message_cues_apart(text, skeleton)
    model_score = model.ngram_score(skeleton)
    score, note = model.decide(model_score, combiner_features(model_score, cues))
    notes = [note] if note else []
    if scattered:
        groups = ", ".join(c.group for c in scattered)
        notes.append(
            Cue(
                group="scattered",
                evidence=f"{groups} found only far from the others or not said to the reader: "
                "not counted",
            )
        )
    return ExtortionVerdict(
        score=round(score, 4),
        extortion=score >= threshold,
        cues=(*cues, *notes),
        language=guess_language(skeleton),
        model_score=round(model_score, 4),
    )


def judging_text(text: MessageText) -> str:
    """Subject, body and PDF texts as one skeleton; the inputs are left as they are.

    A paragraph break (a blank line) stays as one newline, where a sentence ends for the
    cues: a greeting or a link line with no full stop must not lend its "you" to a sentence
    lifted from elsewhere in the next paragraph. The n-gram model splits words on any
    whitespace, so it reads the same words either way."""
    return _skeleton(_joined(text))


def reader_text(text: MessageText) -> str | None:
    """judging_text with German third persons masked while the case still tells them
    (cues.mask_third_person), for the cues to find whom a sentence addresses; None when the
    text's case says nothing."""
    masked = mask_third_person(_joined(text))
    return _skeleton(masked) if masked is not None else None


def _joined(text: MessageText) -> str:
    parts = (text.subject, text.body, *text.attachment_texts, *text.picture_texts)
    return "\n".join(p for p in parts if p)[:MAX_JUDGED_CHARS]


def _skeleton(joined: str) -> str:
    paragraphs = (normalise_for_judging(p) for p in _PARAGRAPH_BREAK.split(joined))
    return "\n".join(p for p in paragraphs if p)


def message_cues(text: MessageText, skeleton: str) -> tuple[Cue, ...]:
    """Cues from the words of one passage, then from the indicators: wallet, victim named."""
    return message_cues_apart(text, skeleton)[0]


def message_cues_apart(text: MessageText, skeleton: str) -> tuple[tuple[Cue, ...], tuple[Cue, ...]]:
    """(cues counted, text cues found only far from the passage where most fell together)."""
    passage = find_passage(skeleton, text.wallets, reader=reader_text(text))
    cues = [c for c in passage.cues if c.group != "wallet"]
    # A wallet counts where it stands (in the passage) or, when the text does not hold
    # it (a QR code, an attachment not read), as the indicator it is.
    placed = [w for w in text.wallets if w.casefold() in skeleton]
    unplaced = [w for w in text.wallets if w not in placed]
    in_passage = next((c.evidence for c in passage.cues if c.group == "wallet"), None)
    if in_passage is not None:
        counted = [w for w in placed if w.casefold()[:20] in in_passage] or placed[:1]
        counted += [w for w in placed if w not in counted]
    else:
        counted = unplaced
    if counted:
        more = f" (and {len(counted) - 1} more)" if len(counted) > 1 else ""
        cues.append(Cue(group="wallet", evidence=f"{counted[0]}{more}"))
    named = _name_in(text.recipient_name, skeleton) if text.recipient_name else None
    if named:
        cues.append(Cue(group="addressed", evidence=named))
    cues.extend(find_tells(skeleton))
    cues.extend(find_retellings(passage.text or skeleton))
    order = {g: i for i, g in enumerate(CUE_GROUPS)}
    return tuple(sorted(cues, key=lambda c: order[c.group])), passage.scattered


def combiner_features(model_score: float, cues: Sequence[Cue]) -> list[float]:
    """The combiner's inputs in COMBINER_FEATURES order."""
    fired = {cue.group for cue in cues}
    p = min(max(model_score, 1e-6), 1 - 1e-6)
    logit = max(-_LOGIT_CLIP, min(_LOGIT_CLIP, math.log(p / (1 - p))))
    exposure = bool(fired & {"threat", "recorded"})
    demand = bool(fired & {"payment", "wallet"})
    pressure = bool(fired & {"deadline", "secrecy"})
    values = {
        "exposure_and_demand": exposure and demand,
        "exposure_demand_and_pressure": exposure and demand and pressure,
        "tell_without_exposure": "tell" in fired and not exposure,
        "retold": "retold" in fired,
        "demand_without_exposure": demand and not exposure,
        "no_cue": not fired & {"threat", "recorded", "payment", "deadline", "secrecy", "wallet"},
    }
    return [logit / _LOGIT_CLIP, *(float(values[name]) for name in CUE_FEATURES)]


def _name_in(name: str, skeleton: str) -> str | None:
    """The recipient's name or surname as it appears in the text, if it does."""
    words = [w for w in re.split(r"[\s.,]+", normalise_for_judging(name)) if w]
    words = [w for w in words if w not in _HONORIFICS]
    words = [_CJK_HONORIFICS.sub("", w) for w in words]
    full = " ".join(words)
    candidates = [full, *sorted((w for w in words if _long_enough(w)), key=len, reverse=True)]
    for candidate in candidates:
        if candidate and re.search(rf"(?<!\w){re.escape(candidate)}(?!\w)", skeleton):
            return candidate
        if candidate and _is_cjk(candidate) and candidate in skeleton:
            return candidate
    return None


def _long_enough(word: str) -> bool:
    return len(word) >= (2 if _is_cjk(word) else 3)


def _is_cjk(word: str) -> bool:
    return any("\u3040" <= ch <= "\u9fff" for ch in word)


def judge_cluster(
    members: Sequence[ExtortionVerdict],
    *,
    names: Sequence[str] | None = None,
    confident: float = CONFIDENT,
) -> ExtortionVerdict:
    """A campaign's verdict from its members', so an image-only mail is judged with it.

    Extortion when one member is confidently extortion, or two or more are flagged at
    all. `names` label members in the reasons (message ids, say); by default "member N".
    """
    if names is not None and len(names) != len(members):
        raise ValueError("names and members differ in length")
    labels = list(names) if names is not None else [f"member {i + 1}" for i in range(len(members))]
    if not members:
        return ExtortionVerdict(score=0.0, extortion=False, cues=(), language=None, model_score=0.0)
    ranked = sorted(zip(labels, members, strict=True), key=lambda lm: (-lm[1].score, lm[0]))
    flagged = [(label, v) for label, v in ranked if v.extortion]
    sure = [(label, v) for label, v in flagged if v.score >= confident]
    extortion = bool(sure) or len(flagged) >= 2
    return ExtortionVerdict(
        score=ranked[0][1].score,
        extortion=extortion,
        cues=_cluster_cues(ranked, flagged, extortion, confident),
        language=_cluster_language([v for _, v in flagged] or list(members)),
        model_score=max(v.model_score for v in members),
    )


def _cluster_cues(
    ranked: list[tuple[str, ExtortionVerdict]],
    flagged: list[tuple[str, ExtortionVerdict]],
    extortion: bool,
    confident: float,
) -> tuple[Cue, ...]:
    total = len(ranked)
    if not flagged:
        return (Cue(group="cluster", evidence=f"none of {total} members judged extortion"),)
    cues = [
        Cue(group="cluster", evidence=f"{label}: extortion, score {v.score:.2f}")
        for label, v in flagged
    ]
    if extortion:
        cues.append(
            Cue(
                group="cluster",
                evidence=f"{len(flagged)} of {total} members judged extortion; "
                "the others are judged with their campaign",
            )
        )
    else:
        cues.append(
            Cue(
                group="cluster",
                evidence=f"only one member flagged, below the {confident:.2f} needed alone",
            )
        )
    top_label, top = flagged[0]
    cues.extend(Cue(group=c.group, evidence=f"{top_label}: {c.evidence}") for c in top.cues)
    return tuple(cues)


def _cluster_language(verdicts: Sequence[ExtortionVerdict]) -> str | None:
    counts = Counter(v.language for v in verdicts if v.language)
    if not counts:
        return None
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def _sigmoid(z: float) -> float:
    if z < -60:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


# A crypto address in a case-folded skeleton, by shape: its characters are random, so the
# n-grams a model learns from them fit noise (and only extortion rows carry addresses, so
# a bare address read as extortion). The wallet cue, from the checked indicator, counts it.
_WALLET_SHAPE = re.compile(
    r"\b(?=[a-z]*\d)(?:bc1[a-z0-9]{11,71}|[13][a-z0-9]{25,34}|t[a-z0-9]{33}|0x[0-9a-f]{40})\b"
)


@functools.cache
def make_vectorizer() -> HashingVectorizer:
    """The one n-gram featuriser, shared with training so both hash alike.

    Character n-grams within words of the skeleton with its payment phrases and money
    words blanked (see cues.blank_payment), Bitcoin, TRON and EVM addresses left out
    (Monero's are not), without the grams that are only blanks: the lone blank is the
    commonest gram of every spaced script and none of Chinese or Japanese, so a model
    given it uses it as a second intercept (how spaced the script is) and scores every
    ordinary European letter mid-range and every Chinese one low."""
    from sklearn.feature_extraction.text import HashingVectorizer

    within_words = HashingVectorizer(
        analyzer="char_wb", ngram_range=NGRAM_RANGE, lowercase=False
    ).build_analyzer()

    def grams(skeleton: str) -> list[str]:
        text = _WALLET_SHAPE.sub(" ", blank_payment(skeleton))
        return [g for g in within_words(text) if not g.isspace()]

    return HashingVectorizer(
        analyzer=grams,
        n_features=N_FEATURES,
        alternate_sign=False,
        norm="l2",
        lowercase=False,  # the skeleton is already case-folded
        dtype=_float32(),
    )


def _float32() -> Any:
    import numpy as np

    return np.float32


def model_path() -> Path:
    return Path(str(resources.files("triage.models").joinpath("verdict.npz")))


@functools.cache
def load_model(path: Path | None = None) -> VerdictModel:
    """The shipped model (or one at `path`), read once per process."""
    import numpy as np

    with np.load(path or model_path(), allow_pickle=False) as arrays:
        return VerdictModel.from_arrays({key: arrays[key] for key in arrays.files})
