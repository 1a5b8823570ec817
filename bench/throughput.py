"""What ingest costs, how that grows, against the obvious ways: figures for the README.

    .venv/bin/python -m bench.throughput [--messages 1000] [--also 10000] [--poll 200]

Prints a table and writes bench/results/throughput.json:

- ingest end to end (`triage ingest`, a subprocess, as a user runs it) of generated corpora
  with one 2 MP picture per message, with 1 and 2 worker processes: e-mails/s, images/s,
  the rate over the first and the last fifth of the run (does a bigger store slow it?),
  peak RSS of the largest process and of all of them together;
- time per stage, measured in this process on the first messages of the corpus;
- `triage poll --once` against a local Dovecot holding the first --poll messages;
- fingerprinting images/s of 2 MP and 12 MP JPEGs and PNGs: ours, Pillow's own full decode
  of the same bytes (the floor), and the naive way (full decode, then imagehash);
- one new picture's candidate search against 10k, 100k and 1M stored fingerprints, against
  comparing it with every stored one in Python.

The machine is shared: run it under `nice` and read the figures as measured under load.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bench.campaigns import clusters_by_sha, flagged_by_sha, oracle, pairwise

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "throughput.json"
TRIAGE = Path(sys.executable).parent / "triage"
VICTIMS = 12  # messages per generated campaign


# -- corpora ------------------------------------------------------------------------------


def corpus(messages: int, root: Path) -> Path:
    """A generated corpus of about `messages` mails with one 2 MP picture each (cached)."""
    campaigns = -(-messages // VICTIMS)
    out = root / f"triage-bench-2mp-{campaigns * VICTIMS}"
    if not (out / "truth.json").exists():
        subprocess.run(
            [sys.executable, "-m", "fixtures.generate", "--seed", "31", "--campaigns",
             str(campaigns), "--victims", str(VICTIMS), "--benign", "0", "--megapixels", "2",
             "--out", str(out)],
            check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    return out


# -- ingest end to end --------------------------------------------------------------------


def _tree(pid: int) -> list[int]:
    """pid and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo += children.get(p, [])
    return found


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _cpu_s(pid: int) -> float:
    """CPU seconds of a process, with its children it has waited for (Tesseract runs)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _stored(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)) as conn:
            return int(conn.execute("SELECT count(*) FROM messages").fetchone()[0])
    except sqlite3.Error:
        return 0


@dataclass
class Watch:
    """Samples a running ingest: summed RSS of its processes, messages stored over time."""

    pid: int
    db: Path
    peak_sum_mb: float = 0.0
    curve: list[tuple[float, int]] = field(default_factory=list)
    cpu_curve: list[tuple[float, int]] = field(default_factory=list)  # CPU s, stored
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        started = time.perf_counter()
        while not self.stop.wait(0.5):
            tree = _tree(self.pid)
            self.peak_sum_mb = max(self.peak_sum_mb, sum(_rss_mb(p) for p in tree))
            stored = _stored(self.db)
            self.curve.append((time.perf_counter() - started, stored))
            self.cpu_curve.append((sum(_cpu_s(p) for p in tree), stored))


def run_ingest(corpus_dir: Path, workers: int, work: Path) -> dict[str, Any]:
    db = work / f"ingest-w{workers}-{corpus_dir.name}.db"
    for stale in work.glob(db.name + "*"):
        stale.unlink()
    shutil.rmtree(work / "evidence", ignore_errors=True)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(TRIAGE), "--config", str(corpus_dir / "demo.toml"), "--db", str(db), "ingest",
         "--workers", str(workers), "--json", str(corpus_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    watch = Watch(proc.pid, db)
    sampler = threading.Thread(target=watch.run, daemon=True)
    sampler.start()
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    watch.stop.set()
    sampler.join()
    report = json.loads(out)
    with closing(sqlite3.connect(db)) as conn:
        images = int(conn.execute("SELECT count(*) FROM message_images").fetchone()[0])
    new = int(report["new"])
    return {
        "workers": workers,
        "messages": new,
        "failed": len(report["failed"]),
        "images": images,
        "seconds": round(seconds, 1),
        "emails_per_s": round(new / seconds, 2),
        "images_per_s": round(images / seconds, 2),
        **_first_and_last_fifth(watch.curve, new),
        **{
            f"cpu_s_per_email_{k}": round(1 / v, 3)
            for k, v in _first_and_last_fifth(watch.cpu_curve, new, "").items()
        },
        # CPU seconds of the writer and its workers: what the load of others does not inflate
        "cpu_s_per_email": round((usage.ru_utime + usage.ru_stime) / max(new, 1), 3),
        "peak_rss_largest_process_mb": round(usage.ru_maxrss / 1024),
        "peak_rss_all_processes_mb": round(watch.peak_sum_mb),
        "store_mb": round(db.stat().st_size / 2**20, 1),
        "evidence_mb": round(_size(work / "evidence") / 2**20, 1),
        "quality": quality(corpus_dir, db),
    }


def quality(corpus_dir: Path, db: Path) -> dict[str, Any]:
    """What the timed store is worth: campaign clustering against the corpus's truth (and
    against hard evidence alone), messages flagged through their clusters, and the share of
    the pictures that got a manipulation score scoring 0.5 or more (all of them are pasted).
    The corpus is all campaign mail (no benign messages, no pristine pictures): precision of
    verdicts and the manipulation score's ROC AUC are bench.verdicts' and bench.manipulation's."""
    truth = json.loads((corpus_dir / "truth.json").read_text())
    messages = truth["messages"]
    extortion = {m["sha256"]: m["campaign"] for m in messages if m["extortion"]}
    found = clusters_by_sha(db)
    p, r, f1 = pairwise(extortion, {s: found[s] for s in extortion if s in found})
    _, _, oracle_f1 = pairwise(extortion, oracle(messages))
    clusters = {found[s] for s in extortion if s in found}
    campaigns_in = {c: {extortion[s] for s in extortion if found.get(s) == c} for c in clusters}
    flagged = flagged_by_sha(corpus_dir, db)
    caught = sum(bool(flagged.get(s)) for s in extortion)
    with closing(sqlite3.connect(db)) as conn:
        scores = [v for (v,) in conn.execute("SELECT manipulation FROM images") if v is not None]
    return {
        "pairwise_precision": round(p, 3), "pairwise_recall": round(r, 3), "f1": round(f1, 3),
        "oracle_f1": round(oracle_f1, 3),
        "clusters_mixing_campaigns": sum(len(c) > 1 for c in campaigns_in.values()),
        "verdict_recall": round(caught / max(len(extortion), 1), 3),
        "pictures_scored_over_half": round(sum(v >= 0.5 for v in scores) / max(len(scores), 1), 3),
    }  # fmt: skip


def _first_and_last_fifth(
    curve: list[tuple[float, int]], total: int, unit: str = "_per_s"
) -> dict[str, float]:
    """E-mails per second (of wall clock, or of CPU) while the first fifth was stored and
    while the last fifth was: does a fuller store slow ingest down?"""

    def at(count: float) -> float:
        return next((t for t, n in curve if n >= count), curve[-1][0] if curve else 0.0)

    if total < 10 or len(curve) < 4:
        return {}
    fifth = total / 5
    first = fifth / max(at(fifth) - at(1), 1e-9)
    last = fifth / max(at(total) - at(total - fifth), 1e-9)
    return {f"first_fifth{unit}": round(first, 2), f"last_fifth{unit}": round(last, 2)}


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


# -- time per stage -----------------------------------------------------------------------


def stage_times(corpus_dir: Path, sample: int, work: Path) -> dict[str, float]:
    """Milliseconds per message in each stage, one process, the first `sample` messages;
    the stages as triage.analyse runs them, timed one by one."""
    from triage.analyse import visible_text
    from triage.classify import judge_message
    from triage.config import load_config
    from triage.extract import extract_images
    from triage.fingerprint import FINGERPRINT_SIDE, fingerprint_decoded
    from triage.imagedecode import decode_image
    from triage.indicators import extract_indicators
    from triage.keypoints import link_keys_of_image
    from triage.mailfiles import iter_messages
    from triage.manipulation import score_decoded
    from triage.parse import parse_message
    from triage.picturetext import read_picture
    from triage.pipeline import (
        Workspace,
        analyse_on_one_core,
        message_text,
        picture_limits,
        prepare_message,
        store_one,
    )
    from triage.records import RawMessage
    from triage.unwrap import unwrap

    config = load_config(corpus_dir / "demo.toml")
    raws = [r for r in iter_messages([corpus_dir / "mail"]) if isinstance(r, RawMessage)]
    raws = raws[:sample]
    spent: dict[str, float] = {}

    def timed(stage: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        t = time.process_time()  # CPU time: the shared machine's load does not inflate it
        result = fn(*args, **kwargs)
        spent[stage] = spent.get(stage, 0.0) + time.process_time() - t
        return result

    limits = picture_limits(config)
    analyse_on_one_core()  # as ingest's processes run
    for raw in raws:
        parsed = timed("parse", parse_message, raw.raw)
        u = timed("unwrap", unwrap, parsed, mailbox_addresses=config.mailbox_addresses,
                  office_map=config.office_map())  # fmt: skip
        found = timed("extract", extract_images, u.outer)
        for image in found.images:
            decoded = timed("decode", decode_image, image.data, max_side=FINGERPRINT_SIDE)
            timed("fingerprint", fingerprint_decoded, decoded)
            timed("manipulation score", score_decoded, decoded, image.data)
            timed("keypoints", link_keys_of_image, decoded.image)
            timed("picture text (QR, OCR)", read_picture, image.data, limits)
        body, _ = timed("text", visible_text, u.original.text, u.original.html)
        timed("indicators", extract_indicators, body)
    # the verdict and the writer: on the whole prepared message
    db = work / "stages.db"
    for stale in work.glob("stages.db*"):
        stale.unlink()
    ws = Workspace.open(config, db)
    try:
        for raw in raws:
            prepared = prepare_message(raw, config, None)
            assert not isinstance(prepared, str), prepared
            timed("verdict", judge_message, message_text(prepared.unwrapped, prepared.analysis,
                                                         config))  # fmt: skip
            timed("store and link (the writer)", store_one, ws, raw, prepared)
    finally:
        ws.close()
    return {stage: round(1000 * s / len(raws), 1) for stage, s in spent.items()}


# -- poll against Dovecot -----------------------------------------------------------------


def run_poll(corpus_dir: Path, count: int, workers: int, work: Path) -> dict[str, Any]:
    from tests.dovecot import Dovecot, write_config
    from triage.mailfiles import iter_messages
    from triage.records import RawMessage

    raws = [r.raw for r in iter_messages([corpus_dir / "mail"]) if isinstance(r, RawMessage)]
    server = Dovecot()
    server.start()
    try:
        mailbox = server.add_user()
        mailbox.append("INBOX", raws[:count])
        config = write_config(
            work / "poll.toml", {"triage": mailbox.account(work)}, ingest={"workers": workers}
        )
        db = work / "poll.db"
        for stale in work.glob("poll.db*"):
            stale.unlink()
        started = time.perf_counter()
        done = subprocess.run(
            [str(TRIAGE), "--config", str(config), "--db", str(db), "poll", "--once", "--json"],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        seconds = time.perf_counter() - started
    finally:
        server.remove()
    folder = json.loads(done.stdout)["accounts"]["triage"]["INBOX"]
    return {
        "workers": workers,
        "messages": folder["new"],
        "seconds": round(seconds, 1),
        "emails_per_s": round(folder["new"] / seconds, 2),
    }


# -- fingerprinting -----------------------------------------------------------------------


def test_pictures() -> dict[str, bytes]:
    """2 MP and 12 MP pictures, JPEG and PNG, from the generator's scenes."""
    from PIL import Image

    from fixtures.pictures import make_scene

    out = {}
    for label, side in (("2 MP", (1632, 1224)), ("12 MP", (4000, 3000))):
        image = make_scene("bench-fingerprint").resize(side, Image.Resampling.BICUBIC)
        noisy = np.asarray(image, dtype=np.int16) + np.random.default_rng(5).integers(
            -6, 7, (side[1], side[0], 3)
        )  # sensor-like noise, so the files are photo-sized, not flat
        image = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
        for fmt in ("JPEG", "PNG"):
            buffer = io.BytesIO()
            image.save(buffer, fmt, **({"quality": 90} if fmt == "JPEG" else {}))
            out[f"{label} {fmt}"] = buffer.getvalue()
    return out


def fingerprint_rates(repeat: int) -> dict[str, dict[str, float]]:
    import imagehash
    from PIL import Image

    from triage.fingerprint import FINGERPRINT_SIDE, fingerprint_decoded
    from triage.imagedecode import decode_image

    def pillow(data: bytes) -> None:
        Image.open(io.BytesIO(data)).load()

    def naive(data: bytes) -> None:
        image = Image.open(io.BytesIO(data))
        image.load()
        gray = image.convert("L")
        imagehash.phash(gray), imagehash.phash(gray.transpose(0)), imagehash.dhash(gray)

    def ours(data: bytes) -> None:
        fingerprint_decoded(decode_image(data, max_side=FINGERPRINT_SIDE))

    rates: dict[str, dict[str, float]] = {}
    for name, data in test_pictures().items():
        row: dict[str, float] = {"file_kb": round(len(data) / 1024)}
        for way, fn in (("pillow_decode", pillow), ("ours", ours), ("naive", naive)):
            fn(data)  # warm
            t = time.process_time()  # CPU time, one core: the load of others left out
            for _ in range(repeat):
                fn(data)
            row[way] = round(repeat / (time.process_time() - t), 1)
        row["ours_vs_pillow"] = round(row["pillow_decode"] / row["ours"], 2)
        rates[name] = row
    return rates


# -- joining a large store ----------------------------------------------------------------


def join_times(sizes: list[int], queries: int = 200) -> dict[str, dict[str, float]]:
    """Candidate search for one new picture in a store of n fingerprints (the pHash
    index the linker keeps), against comparing it with every stored hash in Python."""
    from triage.imageindex import ImageIndex
    from triage.imagelinks import CANDIDATE_BITS, HASH_CANDIDATES

    rng = np.random.default_rng(3)
    out: dict[str, dict[str, float]] = {}
    for n in sizes:
        hashes = rng.integers(0, 2**63, size=n, dtype=np.int64).astype(np.uint64)
        index = ImageIndex(capacity=n)
        for i, h in enumerate(hashes.tolist()):
            index.add(str(i), h, h ^ 0xFFFF)
        probes = [int(h) ^ (1 << 5) for h in hashes[:queries].tolist()]
        t = time.process_time()
        for p in probes:
            index.near(p, CANDIDATE_BITS, HASH_CANDIDATES)
        indexed = (time.process_time() - t) / queries
        stored = hashes.tolist()[: min(n, 100_000)]  # Python scan: timed on up to 100k
        t = time.process_time()
        for p in probes[:5]:
            _ = [s for s in stored if (s ^ p).bit_count() <= CANDIDATE_BITS]
        scan = (time.process_time() - t) / 5 * n / len(stored)
        out[f"{n:,}"] = {
            "indexed_ms": round(1000 * indexed, 3),
            "python_scan_ms": round(1000 * scan, 1),
            "python_scan_extrapolated": n > len(stored),
        }
    return out


def descriptor_join(sizes: list[int], queries: int = 50) -> dict[str, dict[str, float]]:
    """The keypoint-descriptor proposer on random descriptors (300 per picture): query time
    and memory as the store grows. Random descriptors spread evenly over the buckets, as
    real ones do not; the memory figure is exact, the time a lower bound."""
    from triage.descriptorindex import PER_PICTURE, DescriptorIndex

    rng = np.random.default_rng(4)
    out: dict[str, dict[str, float]] = {}
    for n in sizes:
        index = DescriptorIndex()
        for i in range(n):
            index.add(str(i), rng.integers(0, 256, (PER_PICTURE, 32), dtype=np.uint8))
        probe = [rng.integers(0, 256, (600, 32), dtype=np.uint8) for _ in range(queries)]
        index.near(probe[0], 8)  # warm
        t = time.process_time()
        for p in probe:
            index.near(p, 8)
        memory = index.nbytes
        out[f"{n:,}"] = {
            "query_ms": round(1000 * (time.process_time() - t) / queries, 2),
            "index_mb": round(memory / 2**20, 1),
        }
        del index
    return out


def stored_descriptor_join(db: Path, queries: int = 50) -> dict[str, float]:
    """The descriptor proposer on the pictures an ingest run stored: real descriptors crowd
    buckets as random ones do not (in a 10k store of generated scenes, 8 of 10 pictures
    shared 4 or more buckets with any query), which is what a query costs in the field."""
    from triage.descriptorindex import DescriptorIndex
    from triage.imagelinks import DESCRIPTOR_CANDIDATES
    from triage.keypoints import LinkKeys

    index, probes = DescriptorIndex(), list[np.ndarray]()
    with closing(sqlite3.connect(db)) as conn:
        for sha, raw in conn.execute("SELECT image_sha256, keys FROM image_keys ORDER BY rowid"):
            keys = LinkKeys.from_bytes(raw)
            index.add(sha, keys.plain.descriptors)
            if len(probes) < queries:
                probes.append(np.concatenate([keys.plain.descriptors, keys.mirrored.descriptors]))
    t = time.process_time()
    for p in probes:
        index.near(p, DESCRIPTOR_CANDIDATES)
    return {
        "pictures": len(index),
        "query_ms": round(1000 * (time.process_time() - t) / max(1, len(probes)), 2),
        "index_mb": round(index.nbytes / 2**20, 1),
    }


# -- report -------------------------------------------------------------------------------


def print_table(results: dict[str, Any]) -> None:
    print(f"machine: {results['machine']}")
    print("\ningest end to end (one 2 MP picture per message)")
    print(f"{'corpus':>8} {'workers':>7} {'mails/s':>8} {'images/s':>8} {'first/5':>8} "
          f"{'last/5':>8} {'CPU s/mail':>10} {'RSS max':>8} {'RSS sum':>8}")  # fmt: skip
    for r in results["ingest"]:
        print(
            f"{r['corpus']:>8} {r['workers']:>7} {r['emails_per_s']:>8} {r['images_per_s']:>8} "
            f"{r.get('first_fifth_per_s', '-'):>8} {r.get('last_fifth_per_s', '-'):>8} "
            f"{r['cpu_s_per_email']:>10} {r['peak_rss_largest_process_mb']:>6}MB "
            f"{r['peak_rss_all_processes_mb']:>6}MB"
        )
    for r in results["ingest"]:
        if "cpu_s_per_email_first_fifth" in r:
            print(
                f"  {r['corpus']} x{r['workers']}: CPU s a mail, first fifth "
                f"{r['cpu_s_per_email_first_fifth']}, last {r['cpu_s_per_email_last_fifth']}"
            )
    for r in results["ingest"]:
        if q := r.get("quality"):
            print(
                f"  {r['corpus']} x{r['workers']} quality: clustering P {q['pairwise_precision']} "
                f"R {q['pairwise_recall']} F1 {q['f1']} (hard evidence alone {q['oracle_f1']}), "
                f"{q['clusters_mixing_campaigns']} clusters mixing campaigns; flagged "
                f"{q['verdict_recall']} of campaign mail; pasted pictures scored >= 0.5: "
                f"{q['pictures_scored_over_half']}"
            )
    for r in results["ingest"]:
        if r["workers"] == 2:
            one = next(
                o for o in results["ingest"] if o["workers"] == 1 and o["corpus"] == r["corpus"]
            )
            print(
                f"  {r['corpus']}: 2 workers / 1 = {r['emails_per_s'] / one['emails_per_s']:.2f}x"
            )
    print("\nCPU ms per message, by stage (one process)")
    for stage, ms in results["stages_ms"].items():
        print(f"  {stage:<30} {ms:>8}")
    if results.get("poll"):
        p = results["poll"]
        print(f"\npoll --once, local Dovecot: {p['messages']} mails in {p['seconds']} s "
              f"= {p['emails_per_s']} mails/s ({p['workers']} workers)")  # fmt: skip
    print("\nfingerprinting, images per CPU second (one core)")
    print(f"{'picture':>10} {'KB':>6} {'Pillow':>8} {'ours':>8} {'naive':>8} {'Pillow/ours':>11}")
    for name, r in results["fingerprint"].items():
        print(f"{name:>10} {r['file_kb']:>6} {r['pillow_decode']:>8} {r['ours']:>8} "
              f"{r['naive']:>8} {r['ours_vs_pillow']:>11}")  # fmt: skip
    print("\none new picture against n stored fingerprints (pHash proposer), CPU ms")
    for n, r in results["join"].items():
        note = " (extrapolated)" if r["python_scan_extrapolated"] else ""
        print(
            f"  {n:>10}: indexed {r['indexed_ms']} ms, Python scan {r['python_scan_ms']} ms{note}"
        )
    print("keypoint-descriptor proposer (random descriptors)")
    for n, r in results["descriptors"].items():
        print(f"  {n:>10}: query {r['query_ms']} ms, index {r['index_mb']} MB")
    print("keypoint-descriptor proposer (the pictures each ingest run stored, as queries too)")
    for n, r in results.get("descriptors_stored", {}).items():
        print(f"  {n:>10} messages: {r['pictures']} pictures, query {r['query_ms']} ms, "
              f"index {r['index_mb']} MB")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=1000, help="main corpus size")
    parser.add_argument("--also", type=int, nargs="*", default=[], help="bigger corpora too")
    parser.add_argument("--poll", type=int, default=200, help="messages to poll (0: skip)")
    parser.add_argument("--stage-sample", type=int, default=100)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--descriptor-sizes", type=int, nargs="+", default=[10_000, 100_000],
        help="stored pictures for the descriptor proposer's query (1,000,000: 8 CPU min, 11 GB)",
    )  # fmt: skip
    args = parser.parse_args()
    work = args.work / "triage-bench-throughput"
    work.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    results: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, load {load:.1f} at start "
        f"(shared: figures measured under load), Python {platform.python_version()}",
        "command": " ".join(["python -m bench.throughput", *sys.argv[1:]]),
        "ingest": [],
    }
    for size in [args.messages, *args.also]:
        corpus_dir = corpus(size, args.work)
        for workers in (1, 2):
            row = run_ingest(corpus_dir, workers, work)
            results["ingest"].append({"corpus": size, **row})
            print(f"ingest {size} x{workers}: {row}", flush=True)
        stored = work / f"ingest-w2-{corpus_dir.name}.db"
        results.setdefault("descriptors_stored", {})[f"{size:,}"] = stored_descriptor_join(stored)
    main_corpus = corpus(args.messages, args.work)
    results["stages_ms"] = stage_times(main_corpus, args.stage_sample, work)
    if args.poll:
        results["poll"] = run_poll(main_corpus, args.poll, 2, work)
    results["fingerprint"] = fingerprint_rates(repeat=10)
    results["join"] = join_times([10_000, 100_000, 1_000_000])
    results["descriptors"] = descriptor_join(args.descriptor_sizes)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
