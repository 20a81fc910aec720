"""Settings from flags and environment variables, gathered once into a frozen object.

Every setting the program reads is listed in ENV (the deploy files are checked against it).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

# Every environment variable the program reads, with its meaning (deploy/.env.example mirrors this).
ENV = {
    "AWARDBOT_KNOWLEDGE": "knowledge directory (default: the packaged knowledge base)",
    "AWARDBOT_DB": "SQLite database file (default: awardbot.db in the user's data directory)",
    "AWARDBOT_CACHE": "directory for the fitted retrieval index (default: the user's cache directory)",
    "AWARDBOT_TOKEN": "Telegram bot token from @BotFather",
    "AWARDBOT_TOKEN_FILE": "file holding the Telegram bot token (instead of AWARDBOT_TOKEN)",
    "AWARDBOT_ADMINS": "comma-separated Telegram user ids allowed to use admin commands",
    "AWARDBOT_LOG_LEVEL": "DEBUG, INFO, WARNING or ERROR (default INFO)",
    "AWARDBOT_LOG_TEXT": "1 to log message texts at INFO, 0 not to (default 0: never)",
    "AWARDBOT_RETENTION_DAYS": "questions older than this many days are purged (default 365)",
    "AWARDBOT_REMINDER_HOURS": "hours before an unfinished quiz gets its one reminder (default 24)",
    "AWARDBOT_WEBHOOK_URL": "public HTTPS URL for webhook mode (default: long polling)",
    "AWARDBOT_WEBHOOK_SECRET": "secret token Telegram sends with each webhook delivery (default: generated)",
    "AWARDBOT_LISTEN": "address the webhook server listens on (default 127.0.0.1)",
    "AWARDBOT_PORT": "port the webhook server listens on (default 8443)",
    "AWARDBOT_API_BASE_URL": "Bot API base URL, e.g. http://127.0.0.1:8081/bot for a self-hosted server",
    "AWARDBOT_WEB_LISTEN": "address the web chat listens on (default 127.0.0.1)",
    "AWARDBOT_WEB_PORT": "port the web chat listens on (default 8080)",
    "AWARDBOT_WEB_ROOT_PATH": "path prefix the web chat is served under behind a proxy, e.g. /awardbot (default none)",
    "AWARDBOT_WEB_ACCESS_CODE": "code everyone must enter once to open the web chat (default: no code)",
    "AWARDBOT_WEB_ADMIN_SECRET": "secret that makes a web chat user an administrator, 16+ characters (default: none)",
    "AWARDBOT_WEB_SECRET_FILE": "file with the web chat's cookie-signing key (default: generated beside the database)",
    "AWARDBOT_WEB_TRUSTED_PROXIES": "comma-separated proxies whose X-Forwarded-* headers are believed (default none)",
}


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def _data_home() -> Path:
    return Path(_env("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def _cache_home() -> Path:
    return Path(_env("XDG_CACHE_HOME") or Path.home() / ".cache")


def default_knowledge_dir() -> Path:
    """The packaged knowledge base: inside the installed package, or the repository's `knowledge/`."""
    here = Path(__file__).resolve().parent
    packaged = here / "knowledge"
    return packaged if packaged.is_dir() else here.parent / "knowledge"


def knowledge_dir() -> Path:
    return Path(_env("AWARDBOT_KNOWLEDGE") or default_knowledge_dir())


def db_path() -> Path:
    return Path(_env("AWARDBOT_DB") or _data_home() / "awardbot" / "awardbot.db")


def cache_dir() -> Path:
    return Path(_env("AWARDBOT_CACHE") or _cache_home() / "awardbot")


def admins() -> frozenset[int]:
    raw = _env("AWARDBOT_ADMINS") or ""
    ids = set()
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if part:
            if not re.fullmatch(r"-?[0-9]{1,20}", part):
                raise ValueError(f"AWARDBOT_ADMINS: `{part}` is not a Telegram user id "
                                 "(expected numeric ids separated by commas, e.g. 12345,67890)")
            ids.add(int(part))
    return frozenset(ids)


def whole_number(name: str, raw: str, minimum: int, maximum: int) -> int:
    """`raw` as an int in [minimum, maximum], or a ValueError naming the setting. ASCII digits only:
    "²" passes str.isdigit() but not int()."""
    if not re.fullmatch(r"[0-9]{1,12}", raw) or not minimum <= int(raw) <= maximum:
        raise ValueError(f"{name}: expected a whole number from {minimum} to {maximum}, got `{raw}`")
    return int(raw)


def _int(name: str, default: int, minimum: int, maximum: int) -> int:
    raw = _env(name)
    return default if raw is None else whole_number(name, raw, minimum, maximum)


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def log_level() -> str:
    raw = _env("AWARDBOT_LOG_LEVEL") or "INFO"
    if raw.upper() not in LOG_LEVELS:
        raise ValueError(f"AWARDBOT_LOG_LEVEL: expected one of {', '.join(LOG_LEVELS)}, got `{raw}`")
    return raw.upper()


def port() -> int:
    return _int("AWARDBOT_PORT", 8443, minimum=1, maximum=65535)


def _flag(name: str) -> bool:
    """0 or 1 (unset or empty: 0). Anything else is refused: `yes` or `true` would read as a typo of either."""
    raw = _env(name) or "0"
    if raw not in ("0", "1"):
        raise ValueError(f"{name}: expected 1 (on) or 0 (off), got `{raw}`")
    return raw == "1"


def _knowledge_dir(given: Path | None) -> Path:
    """The knowledge directory (flag, else env, else packaged); a path that is no directory is a bad setting."""
    path = given or knowledge_dir()
    if not path.is_dir():
        name = "--knowledge" if given else "AWARDBOT_KNOWLEDGE"
        raise ValueError(f"{name}: no knowledge directory at {path}" + (" (it is a file)" if path.exists() else ""))
    return path


@dataclass(frozen=True)
class Settings:
    knowledge_dir: Path
    db_path: Path
    cache_dir: Path
    admins: frozenset[int] = field(default_factory=frozenset)
    log_level: str = "INFO"
    log_text: bool = False
    retention_days: int = 365
    reminder_hours: int = 24
    port: int = 8443  # the webhook server's

    @property
    def operators(self) -> frozenset[str]:
        """The admins as the dialogue knows users: AWARDBOT_ADMINS holds Telegram ids, so `tg:<id>`."""
        return frozenset(f"tg:{i}" for i in self.admins)

    def with_(self, **changes) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def from_env(**overrides) -> Settings:
    """Settings from the environment; flags given on the command line win (`None` means not given)."""
    settings = Settings(
        knowledge_dir=_knowledge_dir(overrides.pop("knowledge_dir", None)),
        db_path=db_path(),
        cache_dir=cache_dir(),
        admins=admins(),
        log_level=log_level(),
        log_text=_flag("AWARDBOT_LOG_TEXT"),
        # upper bounds keep the dates computed from them inside what datetime can hold
        retention_days=_int("AWARDBOT_RETENTION_DAYS", 365, minimum=1, maximum=36500),
        reminder_hours=_int("AWARDBOT_REMINDER_HOURS", 24, minimum=1, maximum=8760),
        port=port(),
    )
    return settings.with_(**overrides)


# -- the web chat (`awardbot web`) ------------------------------------------------------------------

def web_listen() -> str:
    return _env("AWARDBOT_WEB_LISTEN") or "127.0.0.1"


def web_port() -> int:
    return _int("AWARDBOT_WEB_PORT", 8080, minimum=1, maximum=65535)


def root_path(raw: str | None, name: str = "AWARDBOT_WEB_ROOT_PATH") -> str:
    """A URL path prefix such as `/awardbot`: "" for none; a trailing slash is dropped."""
    value = (raw or "").strip().rstrip("/")
    if value and not re.fullmatch(r"(/[A-Za-z0-9._~-]+)+", value):
        raise ValueError(f"{name}: expected a path such as /awardbot (letters, digits, . _ ~ -), got `{raw}`")
    return value


def web_root_path() -> str:
    return root_path(_env("AWARDBOT_WEB_ROOT_PATH"))


def web_access_code() -> str | None:
    return _env("AWARDBOT_WEB_ACCESS_CODE")


def web_admin_secret() -> str | None:
    value = _env("AWARDBOT_WEB_ADMIN_SECRET")
    if value is not None and len(value) < 16:
        raise ValueError(f"AWARDBOT_WEB_ADMIN_SECRET: expected at least 16 characters, got {len(value)}")
    return value


def web_secret_file(db: Path) -> Path:
    """The cookie-signing key's file; by default beside the database, generated on first start."""
    return Path(_env("AWARDBOT_WEB_SECRET_FILE") or db.with_name(db.name + ".web-secret"))


def trusted_proxies(raw: str | None, name: str = "AWARDBOT_WEB_TRUSTED_PROXIES") -> tuple:
    """Addresses or networks (127.0.0.1, 10.0.0.0/8, ::1) whose X-Forwarded-* headers are believed."""
    import ipaddress

    networks = []
    for part in (raw or "").replace(";", ",").split(","):
        part = part.strip()
        if part:
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                raise ValueError(f"{name}: `{part}` is not an IP address or network "
                                 "(expected e.g. 127.0.0.1,10.0.0.0/8)") from None
    return tuple(networks)


def web_trusted_proxies() -> tuple:
    return trusted_proxies(_env("AWARDBOT_WEB_TRUSTED_PROXIES"))


@dataclass(frozen=True)
class TelegramSettings:
    """What only `awardbot telegram` needs; read apart from `Settings`, so the console never asks for a token."""

    token: str
    api_base_url: str | None = None  # e.g. http://127.0.0.1:8081/bot for a self-hosted Bot API server
    webhook_url: str | None = None  # None: long polling
    webhook_secret: str | None = None  # None: generated at start
    listen: str = "127.0.0.1"


def telegram_token(token_file: str | None = None) -> str:
    """The bot token from a file (flag, then AWARDBOT_TOKEN_FILE) or AWARDBOT_TOKEN; ValueError saying what to do."""
    path = token_file or _env("AWARDBOT_TOKEN_FILE")
    if path:
        try:
            token = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ValueError(f"cannot read the token file {path}: {exc.strerror}") from exc
    else:
        token = _env("AWARDBOT_TOKEN") or ""
    if not token:
        raise ValueError("no Telegram token: set AWARDBOT_TOKEN or pass --token-file FILE (see README: @BotFather)")
    if ":" not in token or any(c.isspace() for c in token):
        raise ValueError("the Telegram token looks malformed: expected the form 123456:ABC-DEF… from @BotFather")
    return token


def telegram(token_file: str | None = None, **flags: str | None) -> TelegramSettings:
    """Telegram settings from the environment; flags (api_base_url, webhook_url, webhook_secret, listen) win."""
    env = {"api_base_url": _env("AWARDBOT_API_BASE_URL"), "webhook_url": _env("AWARDBOT_WEBHOOK_URL"),
           "webhook_secret": _env("AWARDBOT_WEBHOOK_SECRET"), "listen": _env("AWARDBOT_LISTEN") or "127.0.0.1"}
    given = {k: v for k, v in flags.items() if v}
    return TelegramSettings(token=telegram_token(token_file), **(env | given))
