"""The few error classes of triage; the CLI maps them to exit status 1 with one line."""


class TriageError(Exception):
    """A failure the user can act on; str() is the one line shown to them."""


class ConfigError(TriageError):
    """config.toml is missing, unreadable or invalid; lists every problem at once."""

    def __init__(self, problems: list[str], path: str | None = None) -> None:
        self.problems = problems
        where = f"{path}: " if path else ""
        super().__init__(where + "; ".join(problems))


class ParseError(TriageError):
    """A message whose bytes cannot be read as e-mail; kept as evidence all the same."""


class StoreError(TriageError):
    """The SQLite store or the evidence folder cannot be used."""


class NotFound(TriageError):
    """An id given on the command line names nothing in the store."""


class MailboxError(TriageError):
    """An IMAP account cannot be used: unreachable host, TLS, login, missing folder."""
