"""Languages: Arabic (default, right-to-left), French and English, through Flask-Babel.

Locale order: the signed-in user's choice, the visitor's choice (language switcher), the
browser's Accept-Language, then Arabic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache, lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import dates as babel_dates
from babel.lists import format_list
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import Babel, force_locale, format_timedelta, get_locale
from markupsafe import Markup, escape

LANGUAGES = {"ar": "العربية", "fr": "Français", "en": "English"}
RTL = frozenset({"ar"})
DEFAULT_LOCALE = "ar"
DEFAULT_TIMEZONE = "Africa/Casablanca"
ListStyle = Literal["standard", "or", "unit"]
#: Offered first in the settings' zone list: Morocco, then where Moroccans live abroad.
COMMON_TIMEZONES = (
    "Africa/Casablanca",
    "Europe/Paris",
    "Europe/Brussels",
    "Europe/Amsterdam",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Berlin",
    "Europe/London",
    "Europe/Lisbon",
    "Africa/Algiers",
    "Africa/Tunis",
    "Africa/Dakar",
    "Africa/Abidjan",
    "Africa/Cairo",
    "Asia/Riyadh",
    "Asia/Dubai",
    "Asia/Qatar",
    "America/Toronto",
    "America/New_York",
    "UTC",
)

babel = Babel()
#: The zone of the person a mail or a push is rendered for (outside their own request).
_reader_zone_override: ContextVar[str | None] = ContextVar("reader_zone", default=None)


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


def is_timezone(name: object) -> bool:
    """Whether ``name`` is an IANA zone of the system's database ("Africa/Casablanca")."""
    return isinstance(name, str) and name in _known_zones()


def timezone_label(name: str, locale: str | None = None) -> str:
    """The zone as its readers know it ("Morocco Time (UTC+01:00)"), with today's offset."""
    code = locale or _locale()
    zone = ZoneInfo(name)
    offset = dt.datetime.now(zone).strftime("%z")
    utc = f"UTC{offset[:3]}:{offset[3:]}"
    if name == "UTC":
        return utc
    place = babel_dates.get_timezone_location(zone, locale=code)
    city = babel_dates.get_timezone_location(zone, locale=code, return_city=True)
    shown = place if city in place else f"{place} · {city}"
    return f"{shown} (\u2066{utc}\u2069)"  # the offset keeps its order inside Arabic text


def timezone_choices(current: str | None = None) -> list[tuple[str, str]]:
    """(zone, label) pairs for a select: the common zones, plus ``current`` if it is another."""
    zones = list(COMMON_TIMEZONES)
    if current and current not in zones and is_timezone(current):
        zones.insert(0, current)
    return [(zone, timezone_label(zone)) for zone in zones]


@contextmanager
def reading_as(locale: str | None, zone: str | None) -> Iterator[None]:
    """Render for another person (a mail, a push): their language and their time zone."""
    lang = locale if locale in LANGUAGES else DEFAULT_LOCALE
    token = _reader_zone_override.set(zone if is_timezone(zone) else None)
    try:
        with force_locale(lang):
            yield
    finally:
        _reader_zone_override.reset(token)


def select_locale() -> str:
    if not has_request_context():  # CLI and background jobs (seed-demo, notify-due)
        return DEFAULT_LOCALE
    user = g.get("user")
    if user is not None and user.locale in LANGUAGES:
        return str(user.locale)
    chosen = session.get("locale")
    if chosen in LANGUAGES:
        return str(chosen)
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT_LOCALE


def select_timezone() -> str:
    """The reader's zone: their own when the account has one, else the platform default."""
    override = _reader_zone_override.get()
    if override:
        return override
    user = g.get("user") if has_request_context() else None
    zone = getattr(user, "timezone", None) if user is not None else None
    return str(zone or current_app.config.get("BABEL_DEFAULT_TIMEZONE") or DEFAULT_TIMEZONE)


def reader_zone() -> ZoneInfo:
    """The reader's zone from the system tz database (pytz's copy gets Morocco wrong)."""
    try:
        return ZoneInfo(select_timezone())
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def _locale() -> str:
    return str(get_locale() or DEFAULT_LOCALE)


def format_datetime(value: dt.datetime, format: str = "medium") -> str:
    """Babel's date-time in the reader's locale and zone (zoneinfo, not pytz)."""
    zone = reader_zone()
    return babel_dates.format_datetime(
        _utc(value).astimezone(zone), format, tzinfo=zone, locale=_locale()
    )


def format_date(value: dt.datetime | dt.date, format: str = "medium") -> str:
    """Babel's date in the reader's locale; an instant is first moved to the reader's zone."""
    if isinstance(value, dt.datetime):
        value = _utc(value).astimezone(reader_zone()).date()
    return babel_dates.format_date(value, format, locale=_locale())


def local_day(value: dt.datetime) -> dt.date:
    """The reader's calendar day of an instant (a 23:30 UTC event is tomorrow in Casablanca)."""
    return _utc(value).astimezone(reader_zone()).date()


def local_today() -> dt.date:
    """Today in the reader's zone (the platform's outside a request)."""
    return local_day(dt.datetime.now(dt.UTC))


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _full(instant: dt.datetime) -> str:
    """The full date and the time, in the locale's own combination (no misleading zone name)."""
    return _full_in(instant, reader_zone(), _locale())


@lru_cache(maxsize=8192)
def _full_in(instant: dt.datetime, zone: ZoneInfo, locale: str) -> str:
    """:func:`_full` for one zone and locale: a tooltip of every date on a page, the same
    instants page after page, remembered (Babel's formatting is the costly part of a list)."""
    local = instant.astimezone(zone)
    day = babel_dates.format_date(local.date(), "full", locale=locale)
    time = babel_dates.format_time(local, "short", tzinfo=zone, locale=locale)
    combined = str(babel_dates.get_datetime_format("long", locale=locale)).replace("'", "")
    return combined.replace("{0}", time).replace("{1}", day)


def _time_tag(value: dt.datetime, text: str) -> Markup:
    """``<time>`` carrying the UTC instant and, as tooltip, the full date in the reader's zone."""
    instant = _utc(value)
    return _tag(instant, text, _full(instant))


def _tag(instant: dt.datetime, text: str, full: str) -> Markup:
    return Markup('<time datetime="{}" title="{}">{}</time>').format(
        instant.isoformat().replace("+00:00", "Z"), full, text
    )


def local_input_to_utc(value: str) -> str:
    """A ``datetime-local`` form value, typed in the reader's zone, as an ISO UTC instant.

    Values that already carry an offset, or that do not parse, pass unchanged (the schema
    then says what is wrong).
    """
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return value
    if parsed.tzinfo is not None:
        return value
    zone = reader_zone()
    return parsed.replace(tzinfo=zone).astimezone(dt.UTC).isoformat()


def date_filter(value: dt.datetime | dt.date | str | None) -> Markup:
    """One style for a day: the locale's medium date, in the reader's zone (an ISO string, as
    serializers give it, is read first)."""
    if value is None or value == "":
        return Markup("")
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        return _time_tag(value, format_date(value, "medium"))
    return Markup('<time datetime="{}">{}</time>').format(
        value.isoformat(), format_date(value, "medium")
    )


def datetime_filter(value: dt.datetime | None) -> Markup:
    """One style for an instant: medium date and short time, in the reader's zone."""
    if value is None:
        return Markup("")
    return _instant_tag(_utc(value), "d MMM y, HH:mm", reader_zone(), _locale())


def time_filter(value: dt.datetime | str | None) -> Markup:
    """The time of day ("14:05") in the reader's zone, the full date as tooltip (chat lines)."""
    if value is None or value == "":
        return Markup("")
    instant = _utc(dt.datetime.fromisoformat(value) if isinstance(value, str) else value)
    return _instant_tag(instant, "HH:mm", reader_zone(), _locale())


@lru_cache(maxsize=8192)
def _instant_tag(instant: dt.datetime, format: str, zone: ZoneInfo, locale: str) -> Markup:
    """The ``<time>`` of an instant in one format, zone and locale (:func:`_time_tag`): every
    post and message of a page is dated, the same instants page after page, remembered
    (Babel's formatting is the costly part of a list)."""
    text = babel_dates.format_datetime(instant.astimezone(zone), format, tzinfo=zone, locale=locale)
    return _tag(instant, text, _full_in(instant, zone, locale))


def ago_filter(value: dt.datetime | None, now: dt.datetime | None = None) -> Markup:
    """Relative time ("3 min ago"), with the full date as tooltip."""
    if value is None:
        return Markup("")
    instant = _utc(value)
    delta = instant - (now or dt.datetime.now(dt.UTC))
    text = babel_dates.format_timedelta(
        delta, add_direction=True, format="short", threshold=1, locale=_locale()
    )
    return _time_tag(instant, text)


def list_filter(items: Iterable[object], style: ListStyle = "standard") -> Markup:
    """Join user content with the locale's separator, each item isolated in ``<bdi>``."""
    parts = [Markup("<bdi>{}</bdi>").format(item) for item in items]
    if not parts:
        return Markup("")
    # Join placeholders with the CLDR pattern, then put the isolated items in their place.
    joined = format_list([f"\x00{i}\x00" for i in range(len(parts))], style, _locale())
    pieces = joined.split("\x00")
    return Markup("").join(
        parts[int(piece)] if n % 2 else escape(piece) for n, piece in enumerate(pieces)
    )


def bdi_filter(value: object) -> Markup:
    """Isolate one piece of user content inside a sentence."""
    return Markup("<bdi>{}</bdi>").format(escape(value))


def isolate_filter(value: object) -> str:
    """Isolate user text where no markup can (a page's <title>, an <option>): FSI … PDI."""
    return f"\u2068{value}\u2069"


def text_direction(locale: str | None = None) -> str:
    """``rtl`` for Arabic, ``ltr`` otherwise."""
    code = locale or str(get_locale() or DEFAULT_LOCALE)
    return "rtl" if code.split("_")[0] in RTL else "ltr"


def init_i18n(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.filters.update(
        date=date_filter,
        datetime=datetime_filter,
        ago=ago_filter,
        time=time_filter,
        list_of=list_filter,
        bdi=bdi_filter,
        isolate=isolate_filter,
    )
    app.jinja_env.globals.update(
        format_date=format_date,
        format_datetime=format_datetime,
        format_timedelta=format_timedelta,
    )

    @app.context_processor
    def _i18n_context() -> dict[str, object]:
        locale = str(get_locale() or DEFAULT_LOCALE)
        return {
            "LANGUAGES": LANGUAGES,
            "current_locale": locale,
            "text_dir": text_direction(locale),
            "reader_timezone": select_timezone(),
        }


def code_label(table: Mapping[str, Any], code: str | None) -> str:
    """The translated label of ``code`` in a feature's table of codes (``{code: _l(...)}``),
    the code itself when the table does not know it, "" for no code."""
    return str(table.get(code or "", code or ""))
