"""Languages: Arabic (default, right-to-left), French and English, through Flask-Babel.

Locale order: the signed-in user's choice, the visitor's choice (language switcher), the
browser's Accept-Language, then Arabic.
"""

from __future__ import annotations

from flask import Flask, g, has_request_context, request, session
from flask_babel import Babel, format_date, format_datetime, format_timedelta, get_locale

LANGUAGES = {"ar": "العربية", "fr": "Français", "en": "English"}
RTL = frozenset({"ar"})
DEFAULT_LOCALE = "ar"

babel = Babel()


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


def text_direction(locale: str | None = None) -> str:
    """``rtl`` for Arabic, ``ltr`` otherwise."""
    code = locale or str(get_locale() or DEFAULT_LOCALE)
    return "rtl" if code.split("_")[0] in RTL else "ltr"


def init_i18n(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
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
        }
