"""config.toml -> frozen Config; every problem reported at once; secrets named, never given.

Reads the config file (and, on request, the secret it names); otherwise pure.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from triage.errors import ConfigError

SECURITY_MODES = ("tls", "starttls", "plain")
AFTER_STORE = ("none", "seen", "move")


@dataclass(frozen=True, slots=True, kw_only=True)
class Secret:
    """Where a secret lives: an environment variable or a file. The value is read on use."""

    env: str | None = None
    file: Path | None = None

    def read(self) -> str:
        if self.env is not None:
            value = os.environ.get(self.env)
            if not value:
                raise ConfigError([f"environment variable {self.env} is not set"])
            return value
        if self.file is not None:
            try:
                return self.file.read_text(encoding="utf-8").strip()
            except OSError as e:
                raise ConfigError([f"cannot read secret file {self.file}: {e.strerror}"]) from e
        raise ConfigError(["no secret configured"])


@dataclass(frozen=True, slots=True, kw_only=True)
class StoreConfig:
    path: Path = Path("triage.db")
    path_set: bool = False  # set in config.toml: it then wins over $TRIAGE_DB
    evidence_dir: Path | None = None  # None: "evidence" beside the database
    lock_timeout_seconds: int = 30  # a write waits this long for another process's lock


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestConfig:
    max_message_bytes: int = 64 * 1024 * 1024
    max_mime_depth: int = 60  # deeper MIME trees are hostile, not mail
    max_forward_depth: int = 8  # forwards of forwards peeled at most this deep
    ocr_timeout_seconds: int = 20  # per picture; 0 reads no words in pictures (QR codes still)
    workers: int = 0  # processes that analyse messages; 0: one per core


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountConfig:
    name: str
    host: str
    port: int
    security: str
    username: str
    password: Secret | None
    oauth2_token: Secret | None
    ca_file: Path | None = None
    folders: tuple[str, ...] = ("INBOX",)
    after_store: str = "none"
    move_to: str | None = None
    batch_size: int = 50
    timeout: float = 60.0


@dataclass(frozen=True, slots=True, kw_only=True)
class ProtectedPerson:
    name: str
    email: str
    offices: tuple[str, ...] = ()


# -- routing and delivery records ([routing], [delivery.*]) ----------------------------

# Rough rates into USD: they only order demands against each other, they are not accounting.
DEFAULT_AMOUNT_RATES: tuple[tuple[str, float], ...] = (
    ("BTC", 60000.0), ("CNY", 0.14), ("ETH", 3000.0), ("EUR", 1.08), ("GBP", 1.27),
    ("HKD", 0.128), ("JPY", 0.0067), ("MOP", 0.124), ("USD", 1.0), ("USDT", 1.0),
    ("XMR", 150.0),
)  # fmt: skip
SMTP_SECURITY = ("starttls", "tls", "plain")


@dataclass(frozen=True, slots=True, kw_only=True)
class PriorityWeights:
    """How much each factor counts in a queued item's priority (0..100)."""

    victims: float = 3.0
    protected: float = 3.0
    manipulation: float = 1.0
    amount: float = 1.0
    recency: float = 2.0


@dataclass(frozen=True, slots=True, kw_only=True)
class RoutingConfig:
    require_extortion: bool = True
    min_score: float = 0.5
    min_victims: int = 1
    weights: PriorityWeights = field(default_factory=PriorityWeights)
    victims_full: int = 10  # this many victims count fully; fewer count in proportion
    protected_full: int = 1  # this many protected persons reached count fully
    amount_full: float = 10_000.0  # a demand of this much (USD) counts fully
    recency_half_life_days: float = 7.0
    amount_rates: tuple[tuple[str, float], ...] = DEFAULT_AMOUNT_RATES
    reopen_on_growth: bool = True  # a closed item whose campaign grows comes back
    localise: bool = True  # find each campaign picture's pasted region before routing

    def usd(self, amount: float, currency: str) -> float | None:
        rate = dict(self.amount_rates).get(currency.upper())
        return amount * rate if rate is not None else None


@dataclass(frozen=True, slots=True, kw_only=True)
class EmailDelivery:
    host: str
    port: int
    security: str
    username: str | None
    password: Secret | None
    from_addr: str
    to: tuple[str, ...]
    ca_file: Path | None = None
    timeout: float = 30.0


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookDelivery:
    url: str
    secret: Secret
    ca_file: Path | None = None
    timeout: float = 30.0


@dataclass(frozen=True, slots=True, kw_only=True)
class FolderDelivery:
    path: Path


@dataclass(frozen=True, slots=True, kw_only=True)
class OfficeAckConfig:
    enabled: bool = False
    registered_only: bool = True  # answer only offices named in [[protected]]


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryConfig:
    email: EmailDelivery | None = None
    webhook: WebhookDelivery | None = None
    folder: FolderDelivery | None = None
    office_ack: OfficeAckConfig = field(default_factory=OfficeAckConfig)
    retry_base_seconds: int = 60  # backoff after the first failed attempt; doubles each time
    retry_max_seconds: int = 3600
    max_attempts: int = 48  # then a dead letter, shown by `queue` and `route` (~2 days)

    def channels(self) -> tuple[str, ...]:
        """The unit's channels that are configured, in delivery order."""
        named = (("email", self.email), ("webhook", self.webhook), ("folder", self.folder))
        return tuple(name for name, value in named if value is not None)


@dataclass(frozen=True, slots=True, kw_only=True)
class WebConfig:
    """`triage serve`: where its token lives (None: $TRIAGE_WEB_TOKEN, else one is generated)."""

    token: Secret | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    store: StoreConfig = field(default_factory=StoreConfig)
    ingest: IngestConfig = field(default_factory=IngestConfig)
    mailbox_addresses: tuple[str, ...] = ()
    accounts: tuple[AccountConfig, ...] = ()
    protected: tuple[ProtectedPerson, ...] = ()
    routing: RoutingConfig = field(default_factory=RoutingConfig)
    delivery: DeliveryConfig = field(default_factory=DeliveryConfig)
    web: WebConfig = field(default_factory=WebConfig)
    source: Path | None = None  # the file it came from, if any

    def office_map(self) -> dict[str, str]:
        """Office or personal address -> the protected person's own address."""
        mapping: dict[str, str] = {}
        for person in self.protected:
            mapping[person.email] = person.email
            for office in person.offices:
                mapping[office] = person.email
        return mapping


def load_config(path: Path | None) -> Config:
    """Read `path`, or ./config.toml when it exists, else the built-in defaults."""
    if path is None:
        default = Path("config.toml")
        if not default.exists():
            return Config()
        path = default
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ConfigError(["file not found"], str(path)) from e
    except OSError as e:
        raise ConfigError([f"cannot read: {e.strerror}"], str(path)) from e
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError([f"not valid TOML: {e}"], str(path)) from e
    return parse_config(data, base_dir=path.parent, source=path)


def parse_config(data: dict[str, Any], *, base_dir: Path, source: Path | None = None) -> Config:
    """Validate a decoded TOML document; relative paths resolve against base_dir."""
    v = _Validator(base_dir)
    v.unknown_keys(
        data,
        "",
        {"store", "ingest", "triage", "accounts", "protected", "routing", "delivery", "web"},
    )
    store = _store(v, v.table(data, "store"))
    ingest = _ingest(v, v.table(data, "ingest"))
    triage = v.table(data, "triage")
    v.unknown_keys(triage, "triage", {"mailbox_addresses"})
    mailboxes = tuple(a.lower() for a in v.str_list(triage, "mailbox_addresses", "triage", []))
    accounts_table = v.table(data, "accounts")
    accounts = tuple(
        _account(v, name, v.table(accounts_table, name, "accounts"))
        for name in sorted(accounts_table)
    )
    protected = _protected(v, data.get("protected", []))
    routing = _routing(v, v.table(data, "routing"))
    delivery = _delivery(v, v.table(data, "delivery"))
    web = _web(v, v.table(data, "web"))
    if v.problems:
        raise ConfigError(v.problems, str(source) if source else None)
    return Config(
        store=store,
        ingest=ingest,
        mailbox_addresses=mailboxes,
        accounts=accounts,
        protected=protected,
        routing=routing,
        delivery=delivery,
        web=web,
        source=source,
    )


def _web(v: _Validator, t: dict[str, Any]) -> WebConfig:
    v.unknown_keys(t, "web", {"token", "token_env", "token_file"})
    return WebConfig(token=v.secret(t, "token", "web"))


def _store(v: _Validator, t: dict[str, Any]) -> StoreConfig:
    v.unknown_keys(t, "store", {"path", "evidence_dir", "lock_timeout_seconds"})
    path = v.path(t, "path", "store")
    d = StoreConfig()
    return StoreConfig(
        path=path or d.path,
        path_set=path is not None,
        evidence_dir=v.path(t, "evidence_dir", "store"),
        lock_timeout_seconds=v.integer(
            t, "lock_timeout_seconds", "store", d.lock_timeout_seconds, 1, 86400
        ),
    )


def _ingest(v: _Validator, t: dict[str, Any]) -> IngestConfig:
    d = IngestConfig()
    v.unknown_keys(
        t,
        "ingest",
        {"max_message_bytes", "max_mime_depth", "max_forward_depth", "ocr_timeout_seconds",
         "workers"},
    )  # fmt: skip
    return IngestConfig(
        max_message_bytes=v.integer(t, "max_message_bytes", "ingest", d.max_message_bytes, 1024),
        max_mime_depth=v.integer(t, "max_mime_depth", "ingest", d.max_mime_depth, 2),
        max_forward_depth=v.integer(t, "max_forward_depth", "ingest", d.max_forward_depth, 1),
        ocr_timeout_seconds=v.integer(t, "ocr_timeout_seconds", "ingest", d.ocr_timeout_seconds, 0),
        workers=v.integer(t, "workers", "ingest", d.workers, 0, 256),
    )


def _account(v: _Validator, name: str, t: dict[str, Any]) -> AccountConfig:
    where = f"accounts.{name}"
    v.unknown_keys(
        t,
        where,
        {
            "host", "port", "security", "ca_file", "username", "password", "password_env",
            "oauth2_token",
            "password_file", "oauth2_token_env", "oauth2_token_file", "folders",
            "after_store", "move_to", "batch_size", "timeout",
        },
    )  # fmt: skip
    host = v.string(t, "host", where, None) or ""
    security = v.choice(t, "security", where, "tls", SECURITY_MODES)
    default_port = {"tls": 993}.get(security, 143)
    port = v.integer(t, "port", where, default_port, 1, 65535)
    if security == "plain" and host not in ("127.0.0.1", "localhost", "::1"):
        v.problem(f"{where}.security: plain is allowed only to 127.0.0.1")
    username = v.string(t, "username", where, None) or ""
    password = v.secret(t, "password", where)
    token = v.secret(t, "oauth2_token", where)
    if password is None and token is None:
        v.problem(f"{where}: set password_env or password_file (or oauth2_token_env/_file)")
    after_store = v.choice(t, "after_store", where, "none", AFTER_STORE)
    move_to = v.string(t, "move_to", where, None)
    if after_store == "move" and not move_to:
        v.problem(f"{where}.move_to: required when after_store = 'move'")
    folders = tuple(v.str_list(t, "folders", where, ["INBOX"]))
    if not folders:
        v.problem(f"{where}.folders: name at least one folder")
    return AccountConfig(
        name=name,
        host=host,
        port=port,
        security=security,
        username=username,
        password=password,
        oauth2_token=token,
        ca_file=v.path(t, "ca_file", where),
        folders=folders,
        after_store=after_store,
        move_to=move_to,
        batch_size=v.integer(t, "batch_size", where, 50, 1, 10_000),
        timeout=float(v.integer(t, "timeout", where, 60, 1, 3600)),
    )


def _protected(v: _Validator, items: Any) -> tuple[ProtectedPerson, ...]:
    if not isinstance(items, list):
        v.problem("protected: must be an array of tables ([[protected]])")
        return ()
    people = []
    for i, t in enumerate(items):
        where = f"protected[{i}]"
        if not isinstance(t, dict):
            v.problem(f"{where}: must be a table")
            continue
        v.unknown_keys(t, where, {"name", "email", "offices"})
        name = v.string(t, "name", where, None)
        email = v.string(t, "email", where, None)
        if not name or not email:
            v.problem(f"{where}: name and email are required")
            continue
        offices = tuple(o.lower() for o in v.str_list(t, "offices", where, []))
        people.append(ProtectedPerson(name=name, email=email.lower(), offices=offices))
    return tuple(people)


def _routing(v: _Validator, t: dict[str, Any]) -> RoutingConfig:
    d = RoutingConfig()
    v.unknown_keys(
        t,
        "routing",
        {
            "require_extortion", "min_score", "min_victims", "weights", "victims_full",
            "protected_full", "amount_full", "recency_half_life_days", "amount_rates",
            "reopen_on_growth", "localise",
        },
    )  # fmt: skip
    w = v.table(t, "weights", "routing")
    dw = PriorityWeights()
    v.unknown_keys(w, "routing.weights", set(PriorityWeights.__dataclass_fields__))
    weights = PriorityWeights(
        **{
            name: _number(v, w, name, "routing.weights", getattr(dw, name), 0, 100)
            for name in PriorityWeights.__dataclass_fields__
        }
    )
    if sum(getattr(weights, n) for n in PriorityWeights.__dataclass_fields__) <= 0:
        v.problem("routing.weights: at least one weight must be above 0")
    rates_table = v.table(t, "amount_rates", "routing")
    rates = dict(d.amount_rates)
    for currency in sorted(rates_table):
        rates[currency.upper()] = _number(v, rates_table, currency, "routing.amount_rates", 0, 0)
    return RoutingConfig(
        require_extortion=_flag(v, t, "require_extortion", "routing", d.require_extortion),
        min_score=_number(v, t, "min_score", "routing", d.min_score, 0, 1),
        min_victims=v.integer(t, "min_victims", "routing", d.min_victims, 0),
        weights=weights,
        victims_full=v.integer(t, "victims_full", "routing", d.victims_full, 1),
        protected_full=v.integer(t, "protected_full", "routing", d.protected_full, 1),
        amount_full=_number(v, t, "amount_full", "routing", d.amount_full, 0.01),
        recency_half_life_days=_number(
            v, t, "recency_half_life_days", "routing", d.recency_half_life_days, 0.01
        ),
        amount_rates=tuple(sorted(rates.items())),
        reopen_on_growth=_flag(v, t, "reopen_on_growth", "routing", d.reopen_on_growth),
        localise=_flag(v, t, "localise", "routing", d.localise),
    )


def _delivery(v: _Validator, t: dict[str, Any]) -> DeliveryConfig:
    d = DeliveryConfig()
    v.unknown_keys(
        t,
        "delivery",
        {
            "email",
            "webhook",
            "folder",
            "office_ack",
            "retry_base_seconds",
            "retry_max_seconds",
            "max_attempts",
        },
    )
    email = _email(v, v.table(t, "email", "delivery")) if "email" in t else None
    webhook = _webhook(v, v.table(t, "webhook", "delivery")) if "webhook" in t else None
    folder = None
    if "folder" in t:
        ft = v.table(t, "folder", "delivery")
        v.unknown_keys(ft, "delivery.folder", {"path"})
        path = v.path(ft, "path", "delivery.folder")
        if path is None:
            v.problem("delivery.folder.path: required")
        folder = FolderDelivery(path=path or Path("."))
    at = v.table(t, "office_ack", "delivery")
    v.unknown_keys(at, "delivery.office_ack", {"enabled", "registered_only"})
    ack = OfficeAckConfig(
        enabled=_flag(v, at, "enabled", "delivery.office_ack", False),
        registered_only=_flag(v, at, "registered_only", "delivery.office_ack", True),
    )
    if ack.enabled and email is None:
        v.problem("delivery.office_ack: needs [delivery.email] to send through")
    base = v.integer(t, "retry_base_seconds", "delivery", d.retry_base_seconds, 0, 86400)
    return DeliveryConfig(
        email=email,
        webhook=webhook,
        folder=folder,
        office_ack=ack,
        retry_base_seconds=base,
        retry_max_seconds=v.integer(
            t, "retry_max_seconds", "delivery", d.retry_max_seconds, max(base, 1), 7 * 86400
        ),
        max_attempts=v.integer(t, "max_attempts", "delivery", d.max_attempts, 1, 100_000),
    )


def _email(v: _Validator, t: dict[str, Any]) -> EmailDelivery:
    where = "delivery.email"
    v.unknown_keys(
        t,
        where,
        {
            "host", "port", "security", "ca_file", "username", "password", "password_env",
            "password_file", "from", "to", "timeout",
        },
    )  # fmt: skip
    host = v.string(t, "host", where, None) or ""
    if not host:
        v.problem(f"{where}.host: required")
    security = v.choice(t, "security", where, "starttls", SMTP_SECURITY)
    if security == "plain" and host not in ("127.0.0.1", "localhost", "::1"):
        v.problem(f"{where}.security: plain is allowed only to 127.0.0.1")
    port = v.integer(t, "port", where, {"tls": 465, "plain": 25}.get(security, 587), 1, 65535)
    username = v.string(t, "username", where, None)
    password = v.secret(t, "password", where)
    if username and password is None:
        v.problem(f"{where}: username needs password_env or password_file")
    from_addr = v.string(t, "from", where, None) or ""
    to = tuple(v.str_list(t, "to", where, []))
    if not from_addr or not to:
        v.problem(f"{where}: from and to (a list) are required")
    return EmailDelivery(
        host=host,
        port=port,
        security=security,
        username=username,
        password=password,
        from_addr=from_addr,
        to=to,
        ca_file=v.path(t, "ca_file", where),
        timeout=float(v.integer(t, "timeout", where, 30, 1, 600)),
    )


def _webhook(v: _Validator, t: dict[str, Any]) -> WebhookDelivery:
    where = "delivery.webhook"
    v.unknown_keys(t, where, {"url", "secret", "secret_env", "secret_file", "ca_file", "timeout"})
    url = v.string(t, "url", where, None) or ""
    local = url.startswith(("http://127.0.0.1", "http://localhost", "http://[::1]"))
    if not url.startswith("https://") and not local:
        v.problem(f"{where}.url: must be https:// (http:// only to 127.0.0.1)")
    secret = v.secret(t, "secret", where)
    if secret is None:
        v.problem(f"{where}: set secret_env or secret_file (the HMAC key)")
    return WebhookDelivery(
        url=url,
        secret=secret or Secret(),
        ca_file=v.path(t, "ca_file", where),
        timeout=float(v.integer(t, "timeout", where, 30, 1, 600)),
    )


def _number(
    v: _Validator,
    t: dict[str, Any],
    key: str,
    where: str,
    default: float,
    lo: float,
    hi: float | None = None,
) -> float:
    value = t.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        v.problem(f"{_key(where, key)}: must be a number")
        return default
    if value < lo or (hi is not None and value > hi):
        bounds = f"between {lo} and {hi}" if hi is not None else f"at least {lo}"
        v.problem(f"{_key(where, key)}: must be {bounds}")
        return default
    return float(value)


def _flag(v: _Validator, t: dict[str, Any], key: str, where: str, default: bool) -> bool:
    value = t.get(key, default)
    if not isinstance(value, bool):
        v.problem(f"{_key(where, key)}: must be true or false")
        return default
    return value


class _Validator:
    """Collects problems instead of stopping at the first, so a user fixes them in one go."""

    def __init__(self, base_dir: Path) -> None:
        self.base_dir = base_dir
        self.problems: list[str] = []

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def table(self, t: dict[str, Any], key: str, where: str = "") -> dict[str, Any]:
        value = t.get(key, {})
        if not isinstance(value, dict):
            self.problem(f"{_key(where, key)}: must be a table")
            return {}
        return value

    def unknown_keys(self, t: dict[str, Any], where: str, known: set[str]) -> None:
        for key in sorted(set(t) - known):
            self.problem(f"{_key(where, key)}: unknown key")

    def string(self, t: dict[str, Any], key: str, where: str, default: str | None) -> str | None:
        value = t.get(key, default)
        if value is not None and not isinstance(value, str):
            self.problem(f"{_key(where, key)}: must be a string")
            return default
        return value

    def str_list(self, t: dict[str, Any], key: str, where: str, default: list[str]) -> list[str]:
        value = t.get(key, default)
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            self.problem(f"{_key(where, key)}: must be a list of strings")
            return default
        return value

    def integer(
        self, t: dict[str, Any], key: str, where: str, default: int, lo: int, hi: int | None = None
    ) -> int:
        value = t.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(f"{_key(where, key)}: must be an integer")
            return default
        if value < lo or (hi is not None and value > hi):
            bounds = f"between {lo} and {hi}" if hi is not None else f"at least {lo}"
            self.problem(f"{_key(where, key)}: must be {bounds}")
            return default
        return value

    def choice(
        self, t: dict[str, Any], key: str, where: str, default: str, options: tuple[str, ...]
    ) -> str:
        value = self.string(t, key, where, default) or default
        if value not in options:
            self.problem(f"{_key(where, key)}: must be one of {', '.join(options)}")
            return default
        return value

    def path(self, t: dict[str, Any], key: str, where: str) -> Path | None:
        value = self.string(t, key, where, None)
        if not value:
            return None
        p = Path(value).expanduser()
        return p if p.is_absolute() else self.base_dir / p

    def secret(self, t: dict[str, Any], stem: str, where: str) -> Secret | None:
        if stem in t:
            self.problem(f"{_key(where, stem)}: secrets never live in config.toml; "
                         f"use {stem}_env or {stem}_file")  # fmt: skip
        env = self.string(t, f"{stem}_env", where, None)
        file = self.path(t, f"{stem}_file", where)
        if env and file:
            self.problem(f"{_key(where, stem)}: set {stem}_env or {stem}_file, not both")
        if env:
            return Secret(env=env)
        if file:
            return Secret(file=file)
        return None


def _key(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key
