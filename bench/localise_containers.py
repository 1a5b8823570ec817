"""Cluster localisation through the product for campaign pictures mailed bare, inside PDFs and
inside ZIPs (prints figures).

    .venv/bin/python -m bench.localise_containers [--campaigns N] [--small SHARE] [--misses]

Groups of fixtures/localiseset.py (N campaigns from each of its tune, dev and held-out
parts, seed "containers") become extortion mail, one message per member, each campaign
with its own wallet and wording, and each member's picture delivered one way:

- attachment:  the JPEG attached as it is;
- pdf:         the JPEG as the one image of a PDF page, kept as DCT (as fixtures do);
- pdf-flate:   its pixels stored Flate-compressed (as writers do for decoded or PNG
               sources): the picture the pipeline extracts is re-encoded, not the JPEG;
- pdf-placed:  the JPEG drawn at a third of its size, off-centre, on an A4 page with a
               line of text: page coordinates are not the picture's;
- zip:         the JPEG inside a ZIP archive;
- thumbnail:   the JPEG shrunk to 128 px on its longer side and attached (too small to
               join mail by its picture; it joins by its text and wallet).

The mail goes through `triage ingest` and `triage localise` into a fresh store, and each
member's stored box (`localisations`, in the stored picture's pixels) is compared with the
true pasted region; `triage show --json` is read for each cluster to check the box is shown.
Beside it, each picture localised directly against its group's other pictures as sent
(no mail, no store): what the delivery and the store lose is the difference. Misses are
named: not stored (refused or not found), stored at another size, not in its campaign's
cluster, never localised, no box (with the localiser's reason), a box not shown, or a box elsewhere.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import sqlite3
import subprocess
import sys
import tempfile
from collections import defaultdict
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from PIL import Image

from bench.boxes import IOU_HIT, iou, print_rates
from fixtures.containers import flate_pdf, make_pdf, make_zip, placed_pdf
from fixtures.localiseset import DEV, HELD_OUT, TUNE, Member, localise_groups, send_small
from fixtures.texts import EXTORTION
from fixtures.wallets import make_wallet
from triage.manipulation import localise_in_group

WHERES = ("attachment", "pdf", "pdf-flate", "pdf-placed", "zip", "thumbnail")
THUMBNAIL_SIDE = 128  # px: under the 160x120 pictures need to join mail, over the localiser's floor
CAMPAIGNS = 2  # groups per localiseset part: 42 messages, about three minutes
CONFIG = Path(__file__).resolve().parent.parent / "fixtures" / "corpus" / "demo.toml"


@dataclass(frozen=True, slots=True, kw_only=True)
class Sent:
    group: str
    member: Member
    where: str
    sha256: str  # of the message file


def _attach(msg: EmailMessage, member: Member, where: str, when: datetime) -> None:
    data = member.data
    if where in ("attachment", "thumbnail"):
        msg.add_attachment(data, "image", "jpeg", filename="photo.jpg")
    elif where == "zip":
        zipped = make_zip([("photos/photo.jpg", data)], when.timetuple()[:6])
        msg.add_attachment(zipped, "application", "zip", filename="evidence.zip")
    else:
        image = Image.open(io.BytesIO(data))
        space = "DeviceGray" if image.mode == "L" else "DeviceRGB"
        pdf = {
            "pdf": lambda: make_pdf([(data, image.width, image.height, space)]),
            "pdf-flate": lambda: flate_pdf(data),
            "pdf-placed": lambda: placed_pdf(data),
        }[where]()
        msg.add_attachment(pdf, "application", "pdf", filename="document.pdf")


def write_mail(folder: Path, campaigns: int, small: float) -> list[Sent]:
    """One .eml per member of each group; returns what was sent where."""
    sent: list[Sent] = []
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    for part in (TUNE, DEV, HELD_OUT):
        groups = localise_groups("containers", part, campaigns=campaigns, small=small)
        for c, members in enumerate(groups):
            rng = random.Random(f"containers:{part.name}:{c}")
            wallet = make_wallet("btc-p2wpkh", rng)
            text = EXTORTION["en"][c % len(EXTORTION["en"])]
            for m, member in enumerate(members):
                where = WHERES[(m + c) % len(WHERES)]
                if where == "thumbnail" and member.box is not None:
                    shrink = random.Random(f"containers-thumbnail:{part.name}:{c}:{m}")
                    data, box, label = send_small(member.data, member.box, shrink, THUMBNAIL_SIDE)
                    member = replace(member, data=data, box=box, edits=(*member.edits, label))
                when = start + timedelta(hours=len(sent))
                msg = EmailMessage()
                msg["Message-ID"] = f"<containers.{part.name}.{c}.{m}@mailer.example>"
                msg["Date"] = format_datetime(when)
                msg["From"] = f"sender{c}@mailer.example"
                msg["To"] = f"member{m}@legco.example"
                msg["Subject"] = f"Your photo {rng.randrange(1000, 9999)}"
                msg.set_content(text.format(
                    name="Councillor", amount="USD 2,000", deadline="within 48 hours",
                    coin="BTC", wallet=wallet,
                ))  # fmt: skip
                _attach(msg, member, where, when)
                data = msg.as_bytes()
                (folder / f"{part.name}-{c:02d}-{m}.eml").write_bytes(data)
                group = f"{part.name}-{c}"
                sent.append(Sent(group=group, member=member, where=where,
                                 sha256=hashlib.sha256(data).hexdigest()))  # fmt: skip
    return sent


def _triage(db: Path, *args: str) -> str:
    triage = Path(sys.executable).parent / "triage"
    done = subprocess.run(
        [str(triage), "--config", str(CONFIG), "--db", str(db), *args],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout


def report(campaigns: int, small: float = 0.0, misses: bool = False) -> dict[str, list[int]]:
    """Ingest, localise and print hit rates per delivery; return them (label: [hits, n])."""
    with tempfile.TemporaryDirectory(prefix="localise-containers-") as tmp:
        mail, db = Path(tmp) / "mail", Path(tmp) / "triage.db"
        mail.mkdir()
        sent = write_mail(mail, campaigns, small)
        _triage(db, "ingest", str(mail))
        _triage(db, "localise", "--json")
        shown = _shown_boxes(db)
        with closing(sqlite3.connect(db)) as conn:
            rows = _stored(conn)
        return _score(sent, rows, shown, small, misses)


def _shown_boxes(db: Path) -> dict[str, list[int] | None]:
    """Each image's paste box as `triage show --json` gives it, over every cluster."""
    boxes: dict[str, list[int] | None] = {}
    for cluster in json.loads(_triage(db, "clusters", "--all", "--json")):
        for message in json.loads(_triage(db, "show", cluster["id"], "--json"))["messages"]:
            for image in message["images"]:
                boxes[image["sha256"]] = image.get("paste_box")
    return boxes


def _stored(conn: sqlite3.Connection) -> dict[str, tuple[Any, ...]]:
    """message sha -> (cluster, image sha, found_in, width, height, box, reason) of its picture."""
    out = {}
    for row in conn.execute(
        "SELECT m.sha256, m.cluster_id, i.sha256, mi.found_in, i.width, i.height, l.box, "
        "l.reason FROM messages m JOIN message_images mi ON mi.message_sha256 = m.sha256 "
        "JOIN images i ON i.sha256 = mi.image_sha256 "
        "LEFT JOIN localisations l ON l.image_sha256 = i.sha256"
    ):
        out[row[0]] = row[1:]
    return out


def _score(sent: list[Sent], rows: dict[str, tuple[Any, ...]], shown: dict[str, list[int] | None],
           small: float, misses: bool) -> dict[str, list[int]]:  # fmt: skip
    clusters: dict[str, list[str]] = defaultdict(list)
    for s in sent:
        if s.sha256 in rows:
            clusters[s.group].append(rows[s.sha256][0])
    main = {g: max(set(c), key=c.count) for g, c in clusters.items()}
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    direct: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    why: dict[str, int] = defaultdict(int)
    for s in sent:
        if s.member.box is None:
            continue
        others = [o.member.data for o in sent if o.group == s.group and o is not s]
        alone = localise_in_group(s.member.data, others).box
        alone_hit = alone is not None and iou(alone, s.member.box) >= IOU_HIT
        row = rows.get(s.sha256)
        size = "small" if any(e.startswith("small") for e in s.member.edits) else "full"
        if row is None:
            outcome = "picture not stored"
        else:
            cluster, image, _, width, height, box, reason = row
            img = Image.open(io.BytesIO(s.member.data))
            if (width, height) != img.size:
                outcome = f"stored at {width}x{height}, sent {img.size[0]}x{img.size[1]}"
            elif cluster != main[s.group]:
                outcome = "not in its campaign's cluster"
            elif reason is None:
                outcome = "never localised"
            elif box is None:
                outcome = f"no box: {reason}"
            elif shown.get(image) != json.loads(box):
                outcome = "box stored but not shown"
            elif iou(json.loads(box), s.member.box) < IOU_HIT:
                outcome = "box elsewhere"
            else:
                outcome = "hit"
        part = s.group.rsplit("-", 1)[0]
        for label in ("all", f"where:{s.where}", f"size:{size}", f"part:{part}"):
            per[label][0] += outcome == "hit"
            per[label][1] += 1
            direct[label][0] += alone_hit
            direct[label][1] += 1
        if outcome != "hit":
            why[outcome if not outcome.startswith("no box") else "no box"] += 1
            if misses:
                print(f"  miss {s.group} {s.where} {'+'.join(s.member.edits) or 'plain'}: "
                      f"{outcome}; true {s.member.box} found {row[5] if row else None}, "
                      f"directly {alone}")  # fmt: skip
    sent_small = f", {small:.0%} of members sent small" if small else ""
    print(f"\ncluster localisation through ingest, pictures mailed bare, in PDFs and in ZIPs "
          f"(bench/localise_containers.py{sent_small}; {per['all'][1]} pictures):")  # fmt: skip
    print_rates(per)
    for outcome, count in sorted(why.items()):
        print(f"  missed: {outcome}: {count}")
    print("the same pictures localised directly against their groups' (no mail, no store):")
    print_rates(direct)
    return dict(per)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaigns", type=int, default=CAMPAIGNS, help="groups per part")
    parser.add_argument("--small", type=float, default=0.0, help="share of members sent small")
    parser.add_argument("--misses", action="store_true", help="print each miss")
    args = parser.parse_args()
    report(args.campaigns, args.small, args.misses)


if __name__ == "__main__":
    main()
