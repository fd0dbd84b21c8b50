"""The XSS corpus and an HTML checker shared by every test that shows user text to others."""

from __future__ import annotations

import re
from html.parser import HTMLParser

XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><circle/></svg>",
    "<iframe src='javascript:alert(1)'></iframe>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    "<a href='javascript:alert(1)'>x</a>",
    "<div style='background:url(javascript:alert(1))'>x</div>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '[a](https://example.org "title" onmouseover=alert(1))',
    "<details open ontoggle=alert(1)>",
    "`<script>alert(1)</script>`",
    "<<script>script>alert(1)<</script>/script>",
    "\u202egnp.exe <b onclick=alert(1)>x</b>",
    "<object data='data:text/html,<script>alert(1)</script>'></object>",
    "<form action='javascript:alert(1)'><button>x</button></form>",
    "[x](&#106;avascript:alert(1))",
    '<a href="&#x6A;avascript:alert(1)">x</a>',
]

FORBIDDEN_TAGS = {
    "script", "iframe", "object", "embed", "svg", "math", "style", "form", "details",
    "input", "button", "base", "meta", "link", "frame", "frameset", "applet", "template",
}  # fmt: skip
SAFE_SCHEMES = ("http:", "https:", "mailto:")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:")


class _Checker(HTMLParser):
    def __init__(self, allowed_scripts: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.allowed_scripts = allowed_scripts

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS and not (tag == "script" and self._page_script(attrs)):
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value:
                # Browsers drop ASCII whitespace and controls before reading a URL's scheme.
                cleaned = "".join(ch for ch in value if ord(ch) > 0x20).lower()
                scheme = _SCHEME.match(cleaned)
                if scheme and scheme.group(0) not in SAFE_SCHEMES:
                    self.problems.append(f"{tag}[{name}={value!r}]")
            if name == "style" and value and "url(" in value.lower():
                self.problems.append(f"{tag}[style]")

    def _page_script(self, attrs: list[tuple[str, str | None]]) -> bool:
        src = dict(attrs).get("src") or ""
        return any(src.startswith(prefix) for prefix in self.allowed_scripts)


def html_problems(html: str, allowed_scripts: set[str] | None = None) -> list[str]:
    """What in ``html`` could run script. A page's own ``<script src="/static/...">`` is fine."""
    checker = _Checker(allowed_scripts if allowed_scripts is not None else {"/static/"})
    checker.feed(html)
    checker.close()
    return checker.problems


def assert_inert(html: str) -> None:
    problems = html_problems(html)
    assert not problems, f"{problems} in {html[:2000]}"
