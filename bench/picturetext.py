"""Reading text inside pictures, measured: CPU per picture, QR recall, the letter-rows gate.

    .venv/bin/python -m bench.picturetext [--seed 1] [--repeat 1]

Generated, seeded pictures (fixtures.pictures scenes, OpenCV's QR encoder):

- QR codes of bitcoin payment links at 2 to 12 px per module, pasted at random places in
  2 MP (1732x1155) and 0.5 MP (866x577) photo-like scenes, a few with two codes; some
  turned a few degrees, some recompressed as JPEG at low quality;
- the same scenes with no code (a decode there is a false decode);
- a demand written in dark letters on a card, and as a caption on a 2 MP scene (the gate
  must open);
- campaign pictures as bench.throughput's corpus has them (a face pasted on a scene, the
  fixtures' evasions, a third with a short caption), enlarged to 2 MP.

Each picture is read twice in this process: by `baseline_read` (the reading as it was before
issue 13's picture-text work, kept here only) and by the library's reading. Both stop before
Tesseract (a child process; its cost is not ours to cut here), so the CPU figures are what
our process spends per picture: decode, QR search, letter-rows gate. Prints a table and
writes bench/results/picturetext.json.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from fixtures.pictures import PastePlan, enlarge, make_scene, render_paste
from fixtures.wallets import make_wallet
from triage import picturetext
from triage.imagedecode import ImageLimits, decode_image

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "picturetext.json"
SIZES = {"2MP": (1732, 1155), "0.5MP": (866, 577)}
MODULES = (2, 3, 4, 6, 8, 12)
DEMAND = (
    "I recorded you through your webcam.\n"
    "Pay 2000 USD in bitcoin within 48 hours\n"
    "or I will send the video to your family."
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Case:
    name: str
    kind: str  # "qr", "none" (a scene), "paste" (a face pasted on one), "captioned" (a paste
    # with a short caption) or "text" (a demand written out)
    size: str  # "2MP", "0.5MP" or "card"
    module: int  # px per QR module; 0 when no code
    payloads: tuple[str, ...]  # of the codes in it
    data: bytes


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def _code(payload: str, module: int) -> Image.Image:
    code = cv2.QRCodeEncoder.create().encode(payload)  # 1 px per module, a 4-module margin
    code = cv2.resize(code, None, fx=module, fy=module, interpolation=cv2.INTER_NEAREST)
    return Image.fromarray(np.asarray(code)).convert("RGB")


def qr_case(i: int, rng: random.Random, size: str, module: int, codes: int = 1) -> Case:
    """`codes` QR codes (each in its own vertical strip of the scene) at `module` px/module."""
    scene = make_scene(f"qr-scene-{i}", SIZES[size])
    payloads, tags = [], set()
    for k in range(codes):
        payload = f"bitcoin:{make_wallet('btc-p2wpkh', rng)}?amount=0.0{rng.randrange(1, 99)}"
        payloads.append(payload)
        code = _code(payload, module)
        if rng.random() < 0.3:
            tags.add("-turned")
            code = code.rotate(rng.uniform(-8, 8), Image.Resampling.BICUBIC, expand=True,
                               fillcolor=(255, 255, 255))  # fmt: skip
        strip = scene.width // codes
        x = k * strip + rng.randrange(0, strip - code.width)
        y = rng.randrange(0, scene.height - code.height)
        scene.paste(code, (x, y))
    data = _jpeg(scene, rng.choice((85, 92)))
    if rng.random() < 0.3:
        tags.add("-recompressed")
        data = _jpeg(Image.open(io.BytesIO(data)), rng.choice((50, 65)))
    name = f"qr{i}-{size}-m{module}-x{codes}{''.join(sorted(tags))}"
    return Case(name=name, kind="qr", size=size, module=module, payloads=tuple(payloads),
                data=data)  # fmt: skip


def text_case(i: int, rng: random.Random, on_scene: bool) -> Case:
    font = ImageFont.load_default(size=rng.choice((24, 30, 36)))
    if on_scene:
        image = make_scene(f"text-scene-{i}", SIZES["2MP"])
        ImageDraw.Draw(image).multiline_text(
            (rng.randrange(20, 400), rng.randrange(20, 600)), DEMAND, fill=(250, 250, 250),
            font=font, stroke_width=2, stroke_fill=(0, 0, 0),
        )  # fmt: skip
    else:
        image = Image.new("RGB", (900, 320), (250, 248, 240))
        ImageDraw.Draw(image).multiline_text((30, 30), DEMAND, fill=(10, 10, 10), font=font)
    size = "2MP" if on_scene else "card"
    return Case(name=f"text{i}-{size}", kind="text", size=size, module=0, payloads=(),
                data=_jpeg(image, 90))  # fmt: skip


def paste_case(i: int, rng: random.Random, captioned: bool) -> Case:
    """A campaign's picture as the throughput corpus has it: a face pasted on a scene, the
    message's evasions (a caption when `captioned`), enlarged to 2 MP."""
    others = rng.sample(("mirror", "crop", "border", "recompress"), rng.randrange(0, 3))
    plan = PastePlan(
        base=f"paste-scene-{i}", face=f"paste-face-{i}", center=(rng.randrange(140, 340), 170),
        face_width=rng.randrange(70, 110), mask=rng.choice(("hard", "feather", "rect")),
        colour_match=rng.random() < 0.5, quality=rng.randrange(70, 95), post_scale=None,
        transforms=(*others, *(("caption",) if captioned else ())), seed=f"paste-{i}",
    )  # fmt: skip
    data = enlarge(render_paste(plan), 2.0).data
    kind = "captioned" if captioned else "paste"
    return Case(name=f"paste{i}-{kind}", kind=kind, size="2MP", module=0, payloads=(),
                data=data)  # fmt: skip


def cases(seed: int) -> list[Case]:
    rng = random.Random(seed)
    out: list[Case] = []
    for size, per_module in (("2MP", 8), ("0.5MP", 4)):
        for module in MODULES:
            for _ in range(per_module):
                out.append(qr_case(len(out), rng, size, module))
    for module in (3, 4, 6, 8):
        out.append(qr_case(len(out), rng, "2MP", module, codes=2))
    for i in range(12):
        size = "2MP" if i < 9 else "0.5MP"
        scene = make_scene(f"plain-scene-{i}", SIZES[size])
        out.append(Case(name=f"none{i}-{size}", kind="none", size=size, module=0, payloads=(),
                        data=_jpeg(scene, 90)))  # fmt: skip
    for i in range(8):
        out.append(text_case(i, rng, on_scene=i % 2 == 0))
    for i in range(16):
        out.append(paste_case(i, rng, captioned=i % 3 == 0))
    return out


# -- the reading before this work, kept here as the baseline --------------------------------


def baseline_qr(gray: Image.Image) -> tuple[str, ...]:
    pixels = np.asarray(gray, dtype=np.uint8)
    detector = cv2.QRCodeDetector()
    try:
        found, payloads, _, _ = detector.detectAndDecodeMulti(pixels)
    except cv2.error:
        return ()
    if not found:
        single, _, _ = detector.detectAndDecode(pixels)
        return (single,) if single else ()
    return tuple(dict.fromkeys(p for p in payloads if p))


def baseline_letters_in_rows(gray: object) -> int:
    """picturetext.letters_in_rows as it was: OpenCV's default connected-components
    algorithm, which connectedComponentsWithStats uses."""
    return picturetext.letters_in_rows(gray, labelling=cv2.CCL_DEFAULT)


@dataclass(frozen=True, slots=True)
class Reading:
    qr: tuple[str, ...]
    gate_open: bool


def baseline_read(data: bytes) -> Reading:
    """read_picture as it was, up to (not including) Tesseract."""
    limits = picturetext.PictureLimits()
    decoded = decode_image(data, limits=ImageLimits(), max_side=limits.max_side)
    gray = decoded.image.convert("L")
    qr = baseline_qr(gray)
    if max(gray.size) < limits.upscale_below:
        gray = gray.resize((gray.width * 2, gray.height * 2))
    if baseline_letters_in_rows(gray) < limits.min_letters_in_rows:
        return Reading(qr, False)
    gray.save(io.BytesIO(), "PNG")  # what Tesseract is handed
    return Reading(qr, True)


def library_read(data: bytes) -> Reading:
    """read_picture as it is now, up to (not including) Tesseract."""
    looked = picturetext.look_at_picture(data, picturetext.PictureLimits())
    if isinstance(looked, picturetext.PictureText):
        return Reading(looked.qr, False)
    return Reading(looked.qr, looked.worth_ocr)


# -- measuring --------------------------------------------------------------------------------


def measure(read: Callable[[bytes], Reading], all_cases: list[Case], repeat: int) -> dict:
    ms: dict[str, list[float]] = defaultdict(list)
    readings: dict[str, Reading] = {}
    for case in all_cases:
        best = float("inf")
        for _ in range(repeat):
            t = time.process_time()
            readings[case.name] = read(case.data)
            best = min(best, (time.process_time() - t) * 1000)
        ms[case.size].append(best)
        ms[f"{case.size} {case.kind}"].append(best)
        ms["all"].append(best)
    return {"ms": ms, "readings": readings}


def same_letter_counts(all_cases: list[Case]) -> int:
    """On how many pictures (as read, and 2x upscaled) the library's gate counts what the old
    one counted: its speed-ups are meant to change no decision."""
    same = 0
    for case in all_cases:
        gray = decode_image(case.data, max_side=2000).image.convert("L")
        for g in (gray, gray.resize((gray.width * 2, gray.height * 2))):
            same += picturetext.letters_in_rows(g) == baseline_letters_in_rows(g)
    return same


def _p95(xs: list[float]) -> float:
    return float(np.percentile(xs, 95)) if xs else float("nan")


def summarise(run: dict, all_cases: list[Case]) -> dict:
    readings: dict[str, Reading] = run["readings"]
    recall: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    false_decodes, gate = 0, {"text": [0, 0], "captioned": [0, 0], "photo": [0, 0]}
    for case in all_cases:
        got = readings[case.name]
        if case.kind == "qr":
            key = f"{case.module:>2}px" + (f", {n} codes" if (n := len(case.payloads)) > 1 else "")
            recall[key][1] += 1
            recall[key][0] += sorted(got.qr) == sorted(case.payloads)
            false_decodes += sum(p not in case.payloads for p in got.qr)
        else:
            false_decodes += len(got.qr)
            which = "photo" if case.kind in ("none", "paste") else case.kind
            gate[which][1] += 1
            gate[which][0] += got.gate_open
    times = {
        size: {"median": statistics.median(xs), "p95": _p95(xs), "n": len(xs)}
        for size, xs in run["ms"].items()
    }
    missed = [
        c.name
        for c in all_cases
        if c.kind == "qr" and sorted(readings[c.name].qr) != sorted(c.payloads)
    ]
    return {
        "missed": missed,
        "cpu_ms": times,
        "qr_recall": {k: {"found": v[0], "of": v[1]} for k, v in sorted(recall.items())},
        "false_decodes": false_decodes,
        "gate_open": {k: {"open": v[0], "of": v[1]} for k, v in gate.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="readings per picture (min kept)")
    args = parser.parse_args()
    cv2.setNumThreads(1)  # a worker process reads on one core
    all_cases = cases(args.seed)
    results = {
        name: summarise(measure(read, all_cases, args.repeat), all_cases)
        for name, read in (("before", baseline_read), ("after", library_read))
    }
    print(f"picture-text reading, {len(all_cases)} generated pictures, seed {args.seed}, "
          "CPU ms in this process (Tesseract excluded)")  # fmt: skip
    print(f"{'':20}{'before':>22}{'after':>22}")
    rows = ("2MP", "2MP qr", "2MP none", "2MP paste", "2MP captioned", "2MP text", "0.5MP",
            "0.5MP qr", "0.5MP none", "card")  # fmt: skip
    for size in (*rows, "all"):
        b, a = results["before"]["cpu_ms"][size], results["after"]["cpu_ms"][size]
        print(
            f"{size + ' (n=' + str(b['n']) + ')':20}"
            f"{b['median']:>10.1f} med {b['p95']:>6.1f} p95"
            f"{a['median']:>10.1f} med {a['p95']:>6.1f} p95"
        )
    print("QR recall (pictures whose payloads were all decoded exactly), by px per module:")
    for key in results["before"]["qr_recall"]:
        b, a = results["before"]["qr_recall"][key], results["after"]["qr_recall"][key]
        print(f"  {key:>14}: before {b['found']:>2}/{b['of']}   after {a['found']:>2}/{a['of']}")
    for name in ("before", "after"):
        r = results[name]
        g = r["gate_open"]
        print(
            f"{name:>6}: false decodes {r['false_decodes']}; letter-rows gate open on "
            f"{g['text']['open']}/{g['text']['of']} text pictures, "
            f"{g['captioned']['open']}/{g['captioned']['of']} captioned pastes, "
            f"{g['photo']['open']}/{g['photo']['of']} pictures with no words or code"
        )
    for name in ("before", "after"):
        print(f"{name:>6} missed: {', '.join(results[name]['missed']) or 'none'}")
    same = same_letter_counts(all_cases)
    print(f"letter-rows counts equal, old and new gate: {same}/{2 * len(all_cases)} readings")
    results["same_letter_counts"] = same
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"seed": args.seed, **results}, indent=1) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
