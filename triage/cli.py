"""The command line of interface.md: parses flags, calls the library, renders; no logic here."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from triage import __version__
from triage.config import Config, load_config
from triage.errors import TriageError

if TYPE_CHECKING:  # imported lazily at run time: `triage --help` stays fast
    from triage.pipeline import Workspace

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class _Globals:
    config_path: Path | None
    db_path: Path | None

    def config(self) -> Config:
        return load_config(self.config_path)

    @contextmanager
    def workspace(self) -> Iterator[Workspace]:
        """The store and evidence a command works on, closed however the command ends."""
        from triage.pipeline import Workspace

        config = self.config()
        ws = Workspace.open(config, self.db(config))
        try:
            yield ws
        finally:
            ws.close()

    def db(self, config: Config) -> Path:
        if self.db_path is not None:
            return self.db_path
        if config.store.path_set:
            return config.store.path
        env = os.environ.get("TRIAGE_DB")
        return Path(env) if env else config.store.path


def _errors_to_exit(fn: F) -> F:
    """Library errors become one line on stderr and exit status 1."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except TriageError as e:
            raise click.ClickException(str(e)) from e
        except sqlite3.Error as e:  # outside a store transaction (a disk full, a lock)
            raise click.ClickException(f"store: {e}") from e

    return wrapper  # type: ignore[return-value]


def _json_option(fn: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="One JSON document on stdout.")(fn)


def _emit_json(doc: Any) -> None:
    click.echo(json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="config.toml to use (default: ./config.toml when it exists).",
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="SQLite store (default: config [store] path, then $TRIAGE_DB, then ./triage.db).",
)
@click.version_option(__version__, prog_name="triage")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, db_path: Path | None) -> None:
    """Extortion-email triage: unwrap forwards, keep evidence, link campaigns."""
    ctx.obj = _Globals(config_path, db_path)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that analyse messages. Default: config [ingest] workers, else one per core.",
)
@_json_option
@click.pass_obj
@_errors_to_exit
def ingest(g: _Globals, paths: tuple[Path, ...], workers: int | None, as_json: bool) -> None:
    """Store messages from .eml files, folders, Maildirs and mbox files."""
    from triage.pipeline import ingest_paths
    from triage.progress import IngestProgress

    with g.workspace() as ws:
        progress = IngestProgress()
        report = ingest_paths(ws, list(paths), on_progress=progress.update, workers=workers)
    progress.finish(report)
    for skip in report.skipped:  # on stderr with --json too: nothing is left out unsaid
        click.echo(f"skipped: {skip.source}: {skip.reason}", err=True)
    if as_json:
        _emit_json(report.as_ingest_json())
    else:
        for failure in report.failed:
            click.echo(f"failed: {failure.source}: {failure.error}", err=True)


@cli.command()
@click.option("--once", is_flag=True, help="Poll once and exit (for cron). Default: keep polling.")
@click.option(
    "--account",
    "account_names",
    multiple=True,
    metavar="NAME",
    help="Only this [accounts.NAME] (repeatable). Default: every account.",
)
@click.option(
    "--interval",
    type=click.FloatRange(min=1),
    default=60,
    show_default=True,
    help="Without --once: seconds between polls when IMAP IDLE does not wake us sooner.",
)
@_json_option
@click.pass_obj
@_errors_to_exit
def poll(
    g: _Globals, once: bool, account_names: tuple[str, ...], interval: float, as_json: bool
) -> None:
    """Fetch new mail from the IMAP accounts in config.toml and ingest it; SIGTERM stops."""
    import signal
    import threading

    from triage import poller
    from triage.pipeline import Workspace
    from triage.progress import IngestProgress

    def echo_errors(report: poller.PollReport) -> None:
        for e in report.errors:
            click.echo(f"poll: {e.account}: {e.error}", err=True)

    config = g.config()
    accounts = poller.select_accounts(config.accounts, account_names)
    db = g.db(config)
    with poller.poll_lock(db) as held:
        if not held:
            click.echo(
                f"poll: another run is in progress (pid {poller.lock_holder(db)}); exiting",
                err=True,
            )
            if as_json:
                _emit_json(
                    {**poller.PollReport().as_json(), "skipped": "another run is in progress"}
                )
            return
        stop = threading.Event()
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())  # finish batch, exit 0
        env = poller.PollEnv(stop=stop, progress=lambda a, f: IngestProgress(label=f"poll {a}/{f}"))
        settings = poller.PollSettings(interval=interval)
        ws = Workspace.open(config, db)
        try:
            if once:
                report = poller.poll_once(ws, accounts, settings=settings, env=env)
                echo_errors(report)
            else:
                report = poller.poll_forever(
                    ws, accounts, settings=settings, env=env, on_cycle=echo_errors
                )
        finally:
            ws.close()
            signal.signal(signal.SIGTERM, previous)
    if as_json:
        _emit_json(report.as_json())
    else:
        for failure in report.failures():
            click.echo(f"failed: {failure.source}: {failure.error}", err=True)
    if once and report.errors:
        sys.exit(1)


@cli.command()
@click.option("--all", "include_all", is_flag=True, help="Every cluster, singletons included.")
@click.option(
    "--suggest",
    "suggested",
    is_flag=True,
    help="Pairs of extortion clusters that may be one campaign (soft evidence, not merged).",
)
@_json_option
@click.pass_obj
@_errors_to_exit
def clusters(g: _Globals, include_all: bool, suggested: bool, as_json: bool) -> None:
    """Campaign clusters (extortion ones unless --all)."""
    from triage.queries import list_clusters, suggestions

    with g.workspace() as ws:
        if suggested:
            pairs = suggestions(ws.store, ws.config.routing)
        else:
            found = list_clusters(ws.store, include_all=include_all)
    if suggested:
        if as_json:
            _emit_json(pairs)
            return
        if not pairs:
            click.echo("no suggestions")
        for pair in pairs:
            click.echo(f"possibly one campaign: {' + '.join(pair['clusters'])}")
            for reason in pair["reasons"]:
                click.echo(f"  {reason}")
        return
    if as_json:
        _emit_json(found)
        return
    if not found:
        click.echo(
            "no clusters" if include_all else "no extortion clusters (--all lists every one)"
        )
    for c in found:
        flag = "EXTORTION" if c["extortion"] else "-"
        recipients = ", ".join(c["recipients"]) or "(recipient unknown)"
        subject = next((m["subject"] for m in c["messages"] if m["subject"]), "")
        click.echo(
            f"{c['id']}  {c['size']:>3} msg  {flag:<9}  {(c['first_seen'] or '')[:10]}  "
            f"{recipients}  {subject[:60]!r}"
        )


@cli.command()
@click.argument("images", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--heatmap",
    "heatmap_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Also write PATH.heatmap.png for each image into this folder.",
)
@_json_option
def score(images: tuple[Path, ...], heatmap_dir: Path | None, as_json: bool) -> None:
    """Manipulation score of image files (0..1, calibrated), without touching the store."""
    from triage.scoring import score_files

    results = score_files(list(images), heatmap_dir=heatmap_dir)
    if as_json:
        _emit_json(results)
    else:
        for r in results:
            if "error" in r:
                click.echo(f"{r['path']}: error: {r['error']}", err=True)
            else:
                click.echo(f"{r['path']}: {r['score']:.2f}  {'; '.join(r.get('reasons', []))}")
    if any("error" in r for r in results):
        sys.exit(1)


@cli.command()
@click.argument("idents", nargs=-1, metavar="[ID]...")
@_json_option
@click.pass_obj
@_errors_to_exit
def localise(g: _Globals, idents: tuple[str, ...], as_json: bool) -> None:
    """Find where each campaign picture differs from its siblings (the pasted face).

    Default: every extortion cluster. `route` does this for the clusters it considers.
    """
    from triage.pipeline import localise_campaigns
    from triage.queries import list_clusters, resolve_cluster_id

    with g.workspace() as ws:
        live = sys.stderr.isatty()
        if idents:
            ids = [resolve_cluster_id(ws.store, i) for i in idents]
        else:
            ids = [c["id"] for c in list_clusters(ws.store, include_all=False)]
        done = localise_campaigns(ws, ids, on_progress=_progress_line("localise") if live else None)
    if live:
        click.echo("", err=True)
    if as_json:
        _emit_json({"clusters": len(ids), "localised": done})
    else:
        click.echo(f"{done} picture(s) localised in {len(ids)} cluster(s)")


@cli.command()
@click.argument("ident", metavar="ID")
@_json_option
@click.pass_obj
@_errors_to_exit
def show(g: _Globals, ident: str, as_json: bool) -> None:
    """One cluster whole (ID: cluster id, message sha256 prefix or Message-ID)."""
    from triage.queries import show_cluster

    with g.workspace() as ws:
        cluster = show_cluster(ws.store, ident, ws.config.routing)
    if as_json:
        _emit_json(cluster)
        return
    _render_cluster(cluster)


def _curation_options(fn: F) -> F:
    """--by, --note and --json, shared by merge and split."""
    wrapped: Any = _errors_to_exit(fn)
    for option in (
        click.pass_obj,
        _json_option,
        click.option("--note", required=True, help="Why, for the audit trail."),
        click.option("--by", default=None, help="Who decides (default: the OS user)."),
    ):
        wrapped = option(wrapped)
    return cast(F, wrapped)


def _curated_json(done: Any) -> dict[str, Any]:
    return {
        "action": done.action, "curation": done.curation, "cluster_id": done.cluster_id,
        "clusters": list(done.clusters), "messages": list(done.messages),
    }  # fmt: skip


@cli.command()
@click.argument("idents", metavar="ID...", nargs=-1, required=True)
@_curation_options
def merge(g: _Globals, idents: tuple[str, ...], by: str | None, note: str, as_json: bool) -> None:
    """Merge clusters into one (the oldest id survives); undone by `split`."""
    from triage import curation
    from triage.pipeline import utc_now

    with g.workspace() as ws:
        done = curation.merge(
            ws.store, list(idents), by=by or _default_actor(), note=note, now=utc_now()
        )
    if as_json:
        _emit_json(_curated_json(done))
    else:
        click.echo(f"merged {', '.join(done.clusters)} into {done.cluster_id}")


@cli.command()
@click.argument("ident", metavar="ID")
@click.argument("messages", metavar="MESSAGE...", nargs=-1, required=True)
@_curation_options
def split(
    g: _Globals, ident: str, messages: tuple[str, ...], by: str | None, note: str, as_json: bool
) -> None:
    """Take messages (sha256 prefixes) out of a cluster into a new one that later links
    never join back; undone by `merge`."""
    from triage import curation
    from triage.pipeline import utc_now

    with g.workspace() as ws:
        done = curation.split(
            ws.store, ident, list(messages), by=by or _default_actor(), note=note, now=utc_now()
        )
    if as_json:
        _emit_json(_curated_json(done))
    else:
        click.echo(f"split {len(done.messages)} message(s) out of {done.clusters[0]} "
                   f"into {done.cluster_id}")  # fmt: skip


@cli.command()
@click.option("--dry-run", is_flag=True, help="Show the decisions; change and send nothing.")
@_json_option
@click.pass_obj
@_errors_to_exit
def route(g: _Globals, dry_run: bool, as_json: bool) -> None:
    """Queue the clusters the routing rules select, update grown ones, deliver (for cron)."""
    from triage.routing import route as run_route

    with g.workspace() as ws:
        report = run_route(ws, dry_run=dry_run)
    if as_json:
        _emit_json(report.as_json())
        return
    doc = report.as_json()
    verb = "would queue" if dry_run else "to queue"
    click.echo(f"{doc['clusters']} cluster(s), {len(doc['to_queue'])} {verb}")
    for d in doc["decisions"]:
        if d["queue"]:
            click.echo(f"  {d['cluster_id']}  priority {d['priority']:5.1f}")
    for label in ("queued", "updated", "folded"):
        if doc[label]:
            click.echo(f"{label}: {', '.join(doc[label])}")
    click.echo(f"delivered {len(doc['delivered'])}, pending {doc['pending']}")
    for f in doc["failed"]:
        click.echo(f"delivery failed: {f['key']} ({f['channel']}): {f['error']}", err=True)
    for d in doc["dead_letters"]:
        click.echo(
            f"dead letter: {d['key']} ({d['channel']}): {d['attempts']} attempts, "
            f"last: {d['last_error']}",
            err=True,
        )


def _default_actor() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for our uid (containers)
        return f"uid:{os.getuid()}"


@cli.group(invoke_without_command=True)
@click.option(
    "--status",
    type=click.Choice(["new", "acknowledged", "assigned", "closed", "reopened", "merged"]),
    help="Only items in this status (merged: items folded into another).",
)
@_json_option
@click.pass_context
def queue(ctx: click.Context, status: str | None, as_json: bool) -> None:
    """The cyber-crime unit's queue, most urgent first; subcommands move items along
    new -> acknowledged -> assigned -> closed (and reopened)."""
    if ctx.invoked_subcommand is not None:
        return
    _list_queue(ctx.obj, status, as_json)


@_errors_to_exit
def _list_queue(g: _Globals, status: str | None, as_json: bool) -> None:
    from triage.routing import list_queue

    with g.workspace() as ws:
        items = list_queue(ws.store, status)
    if as_json:
        _emit_json(items)
        return
    if not items:
        click.echo("queue is empty" if status is None else f"no {status} items")
    for i in items:
        who = f" -> {i['assignee']}" if i["assignee"] else ""
        flag = f"  UPDATED: {i['flag']}" if i["flag"] else ""
        dead = [d["channel"] for d in i["deliveries"] if d["dead_at"]]
        flag += f"  DEAD LETTER: {', '.join(dead)} (not delivered, no more tries)" if dead else ""
        click.echo(
            f"{i['id']}  {i['status']:<12}{who}  priority {i['priority']:5.1f}  "
            f"v{i['version']}  {len(i['victims'])} victim(s)  cluster {i['cluster_id']}{flag}"
        )


def _queue_action(action: str, doc: str) -> Callable[..., None]:
    @click.argument("idents", metavar="ID...", nargs=-1, required=True)
    @click.option("--by", "actor", metavar="NAME", help="Who does it (default: the OS user).")
    @click.option("--note", metavar="TEXT", help="A note for the audit trail.")
    @_json_option
    @click.pass_obj
    @_errors_to_exit
    def command(
        g: _Globals,
        idents: tuple[str, ...],
        actor: str | None,
        note: str | None,
        as_json: bool,
        to: str | None = None,
    ) -> None:
        from triage.routing import act

        with g.workspace() as ws:
            changed, errors = act(
                ws, list(idents), action, by=actor or _default_actor(), to=to, note=note
            )
        if as_json:
            _emit_json({"changed": changed, "errors": errors})
        else:
            for i in changed:
                click.echo(f"{i['id']}: {i['status']}" + (f" ({i['assignee']})" if to else ""))
        for e in errors:
            click.echo(f"queue {action}: {e['id']}: {e['error']}", err=True)
        if errors:
            sys.exit(1)

    command.__doc__ = doc + " ID: queue item id, or a cluster id, message sha256 or Message-ID."
    if action == "assign":
        command = click.option("--to", metavar="NAME", required=True, help="Assignee.")(command)
    return queue.command(name=action)(command)


_queue_action("ack", "Acknowledge items (and any update they are flagged with).")
_queue_action("assign", "Assign items to an investigator.")
_queue_action("close", "Close items.")
_queue_action("reopen", "Reopen closed items.")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "stix", "misp"]), required=True)
@click.argument("idents", metavar="[ID...]", nargs=-1)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to FILE."
)
@click.pass_obj
@_errors_to_exit
def export(g: _Globals, fmt: str, idents: tuple[str, ...], output: Path | None) -> None:
    """Clusters with evidence references by sha256 (default: every extortion cluster)."""
    from triage.export import render
    from triage.routing import export_documents

    with g.workspace() as ws:
        text = render(export_documents(ws.store, list(idents)), fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as e:
        raise click.ClickException(f"cannot write {output}: {e.strerror}") from e


@cli.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but 127.0.0.1 exposes the view to the network.",
)
@click.option(
    "--port",
    default=8001,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port).",
)
@click.pass_obj
@_errors_to_exit
def serve(g: _Globals, host: str, port: int) -> None:
    """The investigators' web view (every page needs the token: $TRIAGE_WEB_TOKEN, the
    [web] token file, or one generated and printed once)."""
    from triage.web.server import serve as run

    config = g.config()
    run(config, g.db(config), host=host, port=port, announce=lambda s: click.echo(s, err=True))


def _progress_line(label: str) -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        click.echo(f"\r{label}: {done}/{total}", err=True, nl=False)

    return show


def _render_cluster(c: dict[str, Any]) -> None:
    flag = "EXTORTION" if c["extortion"] else "not extortion"
    click.echo(f"cluster {c['id']}: {c['size']} message(s), {flag} ({c['extortion_score']:.2f})")
    for reason in c.get("reasons", []):
        click.echo(f"  why: {reason}")
    click.echo(f"  recipients: {', '.join(c['recipients']) or '(unknown)'}")
    if c.get("originals") is not None and c["originals"] < c["size"]:
        click.echo(f"  originals: {c['originals']} ({c['size']} reports)")
    click.echo(f"  wallets: {', '.join(c['wallets']) or '-'}")
    click.echo(f"  seen: {c['first_seen']} .. {c['last_seen']}")
    for m in c["messages"]:
        click.echo(f"  - {m['subject']!r} from {m['sender']} to {m['recipient']}")
        click.echo(f"    sha256 {m['sha256']}  source {m['source']}")
        chain = " > ".join(m["forward_chain"]) or "direct"
        click.echo(f"    forward: {chain} by {m['forwarded_by']} ({m['recipient_source']})")
        if m.get("original_message_id"):
            click.echo(f"    original: {m['original_message_id']} ({m['original_id_source']})")
        if m.get("original") and m["original"] != m["sha256"]:
            click.echo(f"    same original as {m['original'][:16]} (another report of it)")
        verdict = m.get("verdict")
        if verdict:
            click.echo(f"    verdict: {verdict['reasons'][0]}")
        if m.get("joined_despite_text"):
            click.echo(f"    {m['joined_despite_text']}")
        for image in m.get("images", []):
            manipulated = image.get("manipulation")
            score_text = f"manipulation {manipulated:.2f}" if manipulated is not None else ""
            click.echo(
                f"    image {image['sha256'][:16]} {image['format']} "
                f"{image['width']}x{image['height']} ({image['found_in']}) pHash {image['phash']} "
                f"{score_text}"
            )
            if image.get("manipulation_campaign"):
                click.echo(
                    f"      campaign evidence {image['manipulation_campaign']:.2f} raised the "
                    f"picture's own {image['manipulation_picture'] or 0.0:.2f}: "
                    f"{image['manipulation_campaign_reason']}"
                )
            if image.get("paste_box"):
                click.echo(
                    f"      pasted region {image['paste_box']} "
                    f"(confidence {image['paste_confidence']:.2f}; {image['paste_reason']})"
                )
        for r in m.get("refused", []):
            click.echo(f"    not decoded: {r['name'] or r['found_in']}: {r['reason']}")
        for t in m.get("picture_texts", []):
            label = _PICTURE_TEXT_LABELS.get(t["kind"], "picture")
            click.echo(f"    {label} {t['picture'][:16]}: {_excerpt(t['text'])}")
        if m.get("hidden_text"):
            click.echo(
                f"    hidden text ({len(m['hidden_text'])} chars, not judged): "
                f"{_excerpt(m['hidden_text'])}"
            )
        for kind, values in sorted(m.get("indicators", {}).items()):
            click.echo(f"    {kind}: {', '.join(str(v['value']) for v in values)}")
        if m.get("defects"):
            click.echo(f"    defects: {', '.join(m['defects'])}")
    for j in c.get("joins", []):
        click.echo(f"  joined {j['a'][:12]} + {j['b'][:12]}: {j['reason']}")
    for s in c.get("suggested", []):
        click.echo(f"  possibly one campaign with {s['cluster']}: {'; '.join(s['reasons'])}")
    for k in c.get("curations", []):
        what = "merged" if k["action"] == "merge" else "split (kept apart from later links)"
        click.echo(f"  {what} {' + '.join(k['clusters'])} by {k['by']} at {k['at']}: {k['note']}")


def quiet_dependency_warnings(*, live: bool) -> None:
    """A library's warning (a version mismatch, a deprecation) shows on a terminal only: under
    cron stderr stays silent unless something failed."""
    logging.captureWarnings(True)
    if not live:
        logging.getLogger("py.warnings").setLevel(logging.ERROR)


_PICTURE_TEXT_LABELS = {
    "ocr": "words in picture",
    "qr": "QR code in picture",
    "note": "picture not read for words",
}


def _excerpt(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def main() -> None:
    os.umask(0o077)  # evidence, the database and its WAL are readable by us alone
    logging.basicConfig(level=logging.WARNING, format="triage: %(levelname)s: %(message)s")
    logging.getLogger("mailparser").setLevel(logging.ERROR)
    quiet_dependency_warnings(live=sys.stderr.isatty())
    try:
        cli.main(prog_name="triage")
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
