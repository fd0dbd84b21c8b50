"""Typed configuration read from the environment.

One ``Config`` object describes a running instance. ``Config.from_env()`` reads the
documented environment variables (``DATABASE_URL``, ``JAM3IA_INSTANCE_PATH``, ``REDIS_URL``,
``SECRET_KEY``, ``SEARCH_BACKEND``, ``JAM3IA_ENV``); tests build one directly.
"""

from __future__ import annotations

import logging
import os
import secrets
import zoneinfo
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography.fernet import Fernet

Environment = Literal["development", "testing", "production"]
DEV_SECRET_FILE = "dev-secret-key"  # noqa: S105 - a file name, not a secret
DEV_DATA_KEY_FILE = "dev-data-key"
DEV_TOKEN_KEY_FILE = "dev-token-key"  # noqa: S105 - a file name, not a secret
#: Shortest accepted JAM3IA_TOKEN_KEY (characters).
MIN_TOKEN_KEY_LENGTH = 32
#: The map tiles drawn under an association's place, unless ``JAM3IA_MAP_TILES_URL`` says
#: otherwise (OpenStreetMap's own server: fine for a small site, see its tile usage policy).
OSM_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = "© OpenStreetMap"
OSM_ATTRIBUTION_URL = "https://www.openstreetmap.org/copyright"

log = logging.getLogger("jam3ia")


class ConfigError(RuntimeError):
    """The environment does not describe a usable instance."""


@dataclass(frozen=True)
class Config:
    """Settings of one jam3ia instance (see README "Configuration")."""

    env: Environment = "development"
    instance_path: Path = field(default_factory=lambda: Path("instance").resolve())
    database_url: str | None = None
    redis_url: str | None = None
    secret_key: str | None = None
    search_backend: Literal["whoosh", "postgres"] | None = None
    async_mode: Literal["threading", "gevent"] = "threading"
    #: Origins allowed to open websockets besides the server's own.
    socket_origins: tuple[str, ...] = ()
    session_days: int = 30
    token_days: int = 90
    login_rate_limit: str = "10 per minute;50 per hour"
    register_rate_limit: str = "5 per minute;30 per hour"
    post_rate_limit: str = "30 per minute"
    #: Named rate limits (see ``app.limits.RATE_LIMITS``) -> rule, e.g.
    #: ``{"chat_send": "20 per minute"}``; env ``JAM3IA_RATE_LIMIT_CHAT_SEND``.
    rate_limits: Mapping[str, str] = field(default_factory=dict)
    ratelimit_enabled: bool = True
    #: Open sockets (namespace connections) one signed-in person may hold on one process.
    max_sockets_per_user: int = 50
    #: Open websocket/polling connections one address may hold on one process.
    max_sockets_per_address: int = 500
    #: Largest socket event payload a handler accepts (answered ``too_large`` above it)...
    socket_event_max_bytes: int = 64 * 1024
    #: ...kept below the transport's frame limit, above which the connection is closed.
    socket_buffer_max_bytes: int = 1024 * 1024
    max_upload_bytes: int = 2 * 1024 * 1024
    #: Library videos (a minute or two recorded on a phone).
    max_video_bytes: int = 40 * 1024 * 1024
    #: New accounts' first posts wait for a moderator when positive.
    hold_first_posts: int = 0
    #: The free-offers board's admission control: offers published per minute at most (more
    #: wait in a queue released by the periodic job), and the review queue's length beyond
    #: which trusted posts wait too.
    offers_publish_per_minute: int = 600
    offers_review_queue_max: int = 500
    #: Strikes on the board (a post refused by a moderator, readers' flags upheld) count for
    #: this many days; at ``offers_strikes_to_review`` of them a person's posts wait for a
    #: moderator, at ``offers_strikes_to_spammer`` they are marked as a spammer (all their
    #: offers hidden). Env ``JAM3IA_OFFERS_STRIKE_WINDOW_DAYS`` etc.
    offers_strike_window_days: int = 90
    offers_strikes_to_review: int = 3
    offers_strikes_to_spammer: int = 5
    #: ``JAM3IA_OFFERS_BLOOD_RADIUS_KM``: a blood request reaches the compatible donors whose
    #: city is within this distance of its city (great-circle km), whatever the province;
    #: the request's province when its city has no coordinates.
    offers_blood_radius_km: int = 50
    secure_cookies: bool | None = None
    #: Redis pub/sub channel and key prefix: instances sharing one Redis keep apart by it.
    redis_channel: str = "jam3ia"
    #: How many reverse proxies (nginx...) stand before the app and set X-Forwarded-*.
    proxy_count: int = 0
    #: The public address (``JAM3IA_BASE_URL``) every absolute URL is built from (feeds,
    #: calendar UIDs, mails); never the request's ``Host``. Required in production.
    base_url: str | None = None
    #: ``JAM3IA_DATA_KEY``: Fernet keys for personal fields, comma-separated; the first
    #: encrypts, all decrypt (rotation). Required in production.
    data_key: str | None = None
    #: ``JAM3IA_TOKEN_KEY``: the HMAC key of keyed tokens (matching without clear values),
    #: separate from the data key. Required in production.
    token_key: str | None = None
    #: Outgoing mail (``MAIL_URL``, e.g. ``smtp://user:pass@host:587?starttls=1``); unset:
    #: mails are written as ``.eml`` files under ``instance/mail/``.
    mail_url: str | None = None
    #: Accounts must confirm their email address before posting (``JAM3IA_VERIFY_EMAIL``).
    verify_email: bool = False
    #: ``JAM3IA_TIMEZONE``: the platform's zone, used for readers who have not chosen one.
    timezone: str = "Africa/Casablanca"
    #: ``JAM3IA_MAP_TILES_URL``: the Leaflet tile template of the maps (``{z}/{x}/{y}``, an
    #: optional ``{s}`` as the host's first label); the CSP lets images come from its origin
    #: only. Empty: no tiles (tests, offline screenshots): the map shows the marker alone.
    map_tiles_url: str = OSM_TILES_URL
    #: ``JAM3IA_MAP_TILES_ATTRIBUTION`` and ``_URL``: the credit the tiles' licence asks for.
    map_tiles_attribution: str = OSM_ATTRIBUTION
    map_tiles_attribution_url: str = OSM_ATTRIBUTION_URL
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Config:
        """Build the configuration from environment variables."""
        env = os.environ if environ is None else environ
        mode = env.get("JAM3IA_ENV", "development")
        if mode not in ("development", "testing", "production"):
            raise ConfigError(
                f"JAM3IA_ENV must be development, testing or production, not {mode!r}"
            )
        backend = env.get("SEARCH_BACKEND") or None
        if backend not in (None, "whoosh", "postgres"):
            raise ConfigError(f"SEARCH_BACKEND must be 'whoosh' or 'postgres', not {backend!r}")
        async_mode = env.get("JAM3IA_ASYNC_MODE", "threading")
        if async_mode not in ("threading", "gevent"):
            raise ConfigError("JAM3IA_ASYNC_MODE must be 'threading' or 'gevent'")
        origins = tuple(o for o in env.get("JAM3IA_SOCKET_ORIGINS", "").split(",") if o)
        try:
            proxy_count = int(env.get("JAM3IA_PROXY_COUNT", "0"))
        except ValueError as exc:
            raise ConfigError("JAM3IA_PROXY_COUNT must be a whole number") from exc
        base_url = env.get("JAM3IA_BASE_URL") or None
        if base_url is not None:
            base_url = _check_base_url(base_url)
        prefix = "JAM3IA_RATE_LIMIT_"
        rates = {k[len(prefix) :].lower(): v for k, v in env.items() if k.startswith(prefix) and v}
        caps: dict[str, int] = {}
        for name in (
            "max_sockets_per_user",
            "max_sockets_per_address",
            "offers_publish_per_minute",
            "offers_review_queue_max",
            "offers_strike_window_days",
            "offers_strikes_to_review",
            "offers_strikes_to_spammer",
            "offers_blood_radius_km",
        ):
            raw = env.get(f"JAM3IA_{name.upper()}")
            if raw:
                try:
                    caps[name] = int(raw)
                except ValueError as exc:
                    raise ConfigError(f"JAM3IA_{name.upper()} must be a whole number") from exc
        if caps.get("offers_blood_radius_km", 1) <= 0:
            raise ConfigError("JAM3IA_OFFERS_BLOOD_RADIUS_KM must be a positive number of km")
        mail_url = env.get("MAIL_URL") or None
        if mail_url is not None:
            parse_mail_url(mail_url)  # a bad URL stops the start with the reason
        zone = env.get("JAM3IA_TIMEZONE") or "Africa/Casablanca"
        try:
            zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(f"JAM3IA_TIMEZONE is not a known time zone: {zone!r}") from exc
        tiles = env.get("JAM3IA_MAP_TILES_URL", OSM_TILES_URL).strip()
        tiles_origin(tiles)  # a bad template stops the start with the reason
        credit_url = env.get("JAM3IA_MAP_TILES_ATTRIBUTION_URL", OSM_ATTRIBUTION_URL).strip()
        if credit_url and urlsplit(credit_url).scheme not in ("http", "https"):
            raise ConfigError(
                f"JAM3IA_MAP_TILES_ATTRIBUTION_URL must be an http(s) address, not {credit_url!r}"
            )
        values: dict[str, Any] = {
            "env": mode,
            "map_tiles_url": tiles,
            "map_tiles_attribution": env.get("JAM3IA_MAP_TILES_ATTRIBUTION", OSM_ATTRIBUTION),
            "map_tiles_attribution_url": credit_url,
            "timezone": zone,
            "mail_url": mail_url,
            "verify_email": env.get("JAM3IA_VERIFY_EMAIL", "").lower()
            in ("1", "true", "yes", "on"),
            "base_url": base_url,
            "instance_path": Path(env.get("JAM3IA_INSTANCE_PATH", "instance")).resolve(),
            "database_url": env.get("DATABASE_URL") or None,
            "redis_url": env.get("REDIS_URL") or None,
            "secret_key": env.get("SECRET_KEY") or None,
            "search_backend": backend,
            "async_mode": async_mode,
            "socket_origins": origins,
            "proxy_count": proxy_count,
            "redis_channel": env.get("JAM3IA_REDIS_CHANNEL") or "jam3ia",
            "rate_limits": rates,
            **caps,
            "data_key": env.get("JAM3IA_DATA_KEY") or None,
            "token_key": env.get("JAM3IA_TOKEN_KEY") or None,
        }
        values.update(overrides)
        config = cls(**values)
        if config.offers_strike_window_days < 1 or not (
            1 <= config.offers_strikes_to_review < config.offers_strikes_to_spammer
        ):
            raise ConfigError(
                "JAM3IA_OFFERS_STRIKE_WINDOW_DAYS must be at least 1, and"
                " JAM3IA_OFFERS_STRIKES_TO_REVIEW at least 1 and below"
                " JAM3IA_OFFERS_STRIKES_TO_SPAMMER"
            )
        return config

    def with_changes(self, **changes: Any) -> Config:
        """A copy with some settings changed."""
        return replace(self, **changes)

    @property
    def sqlalchemy_url(self) -> str:
        """The SQLAlchemy URL: ``DATABASE_URL`` or SQLite in the instance folder."""
        url = self.database_url or f"sqlite:///{self.instance_path / 'jam3ia.db'}"
        # Accept the common postgres:// and postgresql:// spellings; always drive psycopg 3.
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        return url

    @property
    def is_postgres(self) -> bool:
        return self.sqlalchemy_url.startswith("postgresql")

    @property
    def effective_search_backend(self) -> str:
        """``SEARCH_BACKEND`` if set, else the one that follows the database."""
        return self.search_backend or ("postgres" if self.is_postgres else "whoosh")

    @property
    def map_tiles_origin(self) -> str | None:
        """Where the map's tiles come from, as a CSP source (``None``: no tiles)."""
        return tiles_origin(self.map_tiles_url)

    @property
    def public_base_url(self) -> str:
        """The public address without a final slash; a loopback one outside production."""
        if self.base_url:
            return _check_base_url(self.base_url)
        if self.env == "production":
            raise ConfigError(
                "JAM3IA_BASE_URL is required when JAM3IA_ENV=production: the public address "
                "(e.g. https://jam3ia.example.ma) that links in feeds and mails are built from"
            )
        return "http://localhost" if self.env == "testing" else "http://127.0.0.1:5000"

    def resolve_secret(self) -> str:
        """The secret key; production refuses to start without one."""
        if self.secret_key:
            return self.secret_key
        if self.env == "production":
            raise ConfigError("SECRET_KEY is required when JAM3IA_ENV=production")
        # Development: one random key kept in the instance folder, so sessions survive restarts.
        self.instance_path.mkdir(parents=True, exist_ok=True)
        path = self.instance_path / DEV_SECRET_FILE
        if not path.exists():
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()

    def resolve_data_keys(self) -> tuple[str, ...]:
        """The Fernet keys of personal fields, the encrypting one first.

        Production refuses to start without ``JAM3IA_DATA_KEY``; development and tests keep
        one generated key in the instance folder (mode 0600) and log a warning.
        """

        raw = self.data_key or self._dev_key(
            "JAM3IA_DATA_KEY", DEV_DATA_KEY_FILE, lambda: Fernet.generate_key().decode()
        )
        keys = tuple(k.strip() for k in raw.split(",") if k.strip())
        if not keys:
            raise ConfigError("JAM3IA_DATA_KEY holds no key")
        for key in keys:
            try:
                Fernet(key)
            except (ValueError, TypeError) as exc:
                raise ConfigError(
                    "JAM3IA_DATA_KEY must be Fernet keys (32 bytes in url-safe base64, as made "
                    "by `python -c 'from cryptography.fernet import Fernet; "
                    "print(Fernet.generate_key().decode())'`), separated by commas"
                ) from exc
        return keys

    def resolve_token_key(self) -> str:
        """The HMAC key of keyed tokens (same rules as :meth:`resolve_data_keys`)."""
        key = self.token_key or self._dev_key(
            "JAM3IA_TOKEN_KEY", DEV_TOKEN_KEY_FILE, lambda: secrets.token_urlsafe(48)
        )
        if len(key) < MIN_TOKEN_KEY_LENGTH:
            raise ConfigError(
                f"JAM3IA_TOKEN_KEY must be at least {MIN_TOKEN_KEY_LENGTH} characters long"
            )
        if self.data_key and key in self.data_key.split(","):
            raise ConfigError("JAM3IA_TOKEN_KEY must differ from the keys of JAM3IA_DATA_KEY")
        return key

    def _dev_key(self, setting: str, filename: str, make: Any) -> str:
        if self.env == "production":
            raise ConfigError(
                f"{setting} is required when JAM3IA_ENV=production (see README, "
                '"Personal data"): without it personal fields cannot be read back'
            )
        self.instance_path.mkdir(parents=True, exist_ok=True)
        path = self.instance_path / filename
        if not path.exists() and self._write_new_key(path, make()) and self.env == "development":
            log.warning(
                "%s is not set: generated a development key in %s. Set %s in production, "
                "and keep a copy of it with the backups.",
                setting,
                path,
                setting,
            )
        return path.read_text().strip()

    @staticmethod
    def _write_new_key(path: Path, key: str) -> bool:
        """Write ``key`` to ``path`` unless another process got there first (then keep theirs).

        Written 0600 from the start to a private file, then linked into place whole, so no
        process ever reads a half-written key and two processes never end up with two keys.
        """
        temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(key)
            os.link(temp, path)
        except FileExistsError:
            return False
        finally:
            temp.unlink()
        return True

    def flask_settings(self) -> dict[str, Any]:
        """The Flask / extension settings derived from this configuration."""
        secure = (
            self.secure_cookies if self.secure_cookies is not None else self.env == "production"
        )
        settings: dict[str, Any] = {
            "SECRET_KEY": self.resolve_secret(),
            "JAM3IA_BASE_URL": self.public_base_url,
            "TESTING": self.env == "testing",
            "SQLALCHEMY_DATABASE_URI": self.sqlalchemy_url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True} if self.is_postgres else {},
            "SESSION_COOKIE_NAME": "jam3ia_session",
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": secure,
            "MAX_CONTENT_LENGTH": self.max_upload_bytes + 64 * 1024,
            "LIBRARY_MAX_UPLOAD_BYTES": self.max_upload_bytes,
            "LIBRARY_MAX_VIDEO_BYTES": self.max_video_bytes,
            "OFFERS_PUBLISH_PER_MINUTE": self.offers_publish_per_minute,
            "OFFERS_REVIEW_QUEUE_MAX": self.offers_review_queue_max,
            "OFFERS_STRIKE_WINDOW_DAYS": self.offers_strike_window_days,
            "OFFERS_STRIKES_TO_REVIEW": self.offers_strikes_to_review,
            "OFFERS_STRIKES_TO_SPAMMER": self.offers_strikes_to_spammer,
            "OFFERS_BLOOD_RADIUS_KM": self.offers_blood_radius_km,
            "WTF_CSRF_CHECK_DEFAULT": False,  # app.security decides which requests need it
            "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
            "RATELIMIT_ENABLED": self.ratelimit_enabled,
            "RATELIMIT_STORAGE_URI": self.redis_url or "memory://",
            # Redis away: count in memory per process instead of failing requests
            "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
            "RATELIMIT_SWALLOW_ERRORS": True,
            "RATELIMIT_HEADERS_ENABLED": True,
            "RATELIMIT_KEY_PREFIX": self.redis_channel,
            "BABEL_DEFAULT_LOCALE": "ar",
            "BABEL_DEFAULT_TIMEZONE": self.timezone,
            "API_TITLE": "jam3ia",
            "API_VERSION": "v1",
            "OPENAPI_VERSION": "3.1.0",
            "OPENAPI_URL_PREFIX": "/api/v1",
            "OPENAPI_JSON_PATH": "openapi.json",
            "JAM3IA": self,
            "JAM3IA_DATA_KEYS": self.resolve_data_keys(),
            "JAM3IA_TOKEN_KEY": self.resolve_token_key(),
        }
        settings.update(self.extra)
        return settings

    def describe(self) -> dict[str, Any]:
        """Settings without secrets, for logs and ``jam3ia config``."""
        data = asdict(self)
        data["secret_key"] = "***" if self.secret_key else None
        data["data_key"] = "***" if self.data_key else None
        data["token_key"] = "***" if self.token_key else None
        data["instance_path"] = str(self.instance_path)
        if self.mail_url:
            data["mail_url"] = parse_mail_url(self.mail_url).describe()
        return data

    @property
    def mail(self) -> MailSettings | None:
        """The parsed ``MAIL_URL``, or ``None`` when mails go to files."""
        return parse_mail_url(self.mail_url) if self.mail_url else None


@dataclass(frozen=True)
class MailSettings:
    """Where and how mails are sent, from ``MAIL_URL``."""

    host: str
    port: int
    ssl: bool = False
    starttls: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = "jam3ia <noreply@localhost>"
    timeout: float = 10.0

    def describe(self) -> str:
        """The URL without its password, for logs."""
        scheme = "smtps" if self.ssl else "smtp"
        who = f"{self.username}:***@" if self.username else ""
        tls = "?starttls=1" if self.starttls else ""
        return f"{scheme}://{who}{self.host}:{self.port}{tls}"


_MAIL_HELP = (
    "MAIL_URL must look like smtp://user:password@host:587?starttls=1 or "
    "smtps://user:password@host:465 (user and password url-encoded; optional "
    "from=sender@example.ma)"
)


def parse_mail_url(value: str) -> MailSettings:
    """``MAIL_URL`` -> :class:`MailSettings`, or a ConfigError that never repeats the password."""
    try:
        parts = urlsplit(value.strip())
        port_value = parts.port
    except ValueError as exc:
        raise ConfigError(f"{_MAIL_HELP}: the port is not a number") from exc
    if parts.scheme not in ("smtp", "smtps"):
        raise ConfigError(
            f"{_MAIL_HELP}; the scheme {parts.scheme or '(none)'!r} is not one of them"
        )
    if not parts.hostname:
        raise ConfigError(f"{_MAIL_HELP}; the host is missing")
    ssl = parts.scheme == "smtps"
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = set(query) - {"starttls", "from", "timeout"}
    if unknown:
        raise ConfigError(f"{_MAIL_HELP}; unknown option(s) {', '.join(sorted(unknown))}")
    starttls_raw = query.get("starttls", ["0"])[-1].lower()
    if starttls_raw not in ("0", "1", "true", "false", "yes", "no", ""):
        raise ConfigError(f"{_MAIL_HELP}; starttls must be 1 or 0")
    starttls = starttls_raw in ("1", "true", "yes")
    if starttls and ssl:
        raise ConfigError(f"{_MAIL_HELP}; smtps:// is already encrypted, drop starttls=1")
    sender = query.get("from", ["jam3ia <noreply@" + parts.hostname + ">"])[-1]
    if "@" not in sender:
        raise ConfigError(f"{_MAIL_HELP}; from= must be an email address")
    try:
        timeout = float(query.get("timeout", ["10"])[-1])
    except ValueError as exc:
        raise ConfigError(f"{_MAIL_HELP}; timeout must be a number of seconds") from exc
    return MailSettings(
        host=parts.hostname,
        port=port_value or (465 if ssl else 587 if starttls else 25),
        ssl=ssl,
        starttls=starttls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        sender=sender,
        timeout=timeout,
    )


def tiles_origin(template: str) -> str | None:
    """The CSP source of a Leaflet tile template: ``https://tile.example.org`` (the port kept),
    ``https://*.example.org`` for ``https://{s}.example.org/...``; ``None`` for an empty one.
    Raises ConfigError for anything else (a relative path, another scheme, ``{s}`` elsewhere)."""
    if not template:
        return None
    help_ = (
        "JAM3IA_MAP_TILES_URL must be an http(s) tile template such as "
        f"{OSM_TILES_URL} (or empty for no tiles), not {template!r}"
    )
    try:
        parts = urlsplit(template)
        port = parts.port
    except ValueError as exc:
        raise ConfigError(help_) from exc
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host or "{z}" not in template:
        raise ConfigError(help_)
    if host.startswith("{s}."):
        host = "*." + host[len("{s}.") :]
    if not all(c.isalnum() or c in "-.*" for c in host) or "*" in host[1:]:
        raise ConfigError(help_)
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


def _check_base_url(value: str) -> str:
    """``JAM3IA_BASE_URL`` without its final slash, or a ConfigError saying what is wrong."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ConfigError(
            f"JAM3IA_BASE_URL must be an http(s) address such as https://jam3ia.example.ma, "
            f"not {value!r}"
        )
    return value.strip().rstrip("/")
