"""Checks that user content sits in its own bidirectional isolate on a page.

A name or title written in one direction, shown inside text of the other ("Fatima a répondu
dans «جمعية الأمل (Casa)»"), comes out in order only when it is isolated: its own ``<bdi>``, or
an element with a ``dir`` attribute (``dir="auto"`` for user text) holding nothing else. An
isolate that also holds the page's own words (a ``<p dir="auto">`` around a whole sentence) does
not help: the sentence takes the direction of the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from tests.xss import VOID_TAGS

#: Shown apart from the page's text, or isolated by the browser whatever their attributes.
SELF_ISOLATING = {"title", "textarea", "option", "script", "style", "svg"}
MARKER = re.compile(r"qz\d\dzq")
MENTIONS = re.compile(r"^(@\S+\s+)+")


@dataclass
class _Frame:
    tag: str
    isolating: bool
    text: list[str] = field(default_factory=list)
    markers: list[str] = field(default_factory=list)


class _IsolationChecker(HTMLParser):
    def __init__(self, allowance: dict[str, int]) -> None:
        super().__init__(convert_charrefs=True)
        self.allowance = allowance  # marker -> the longest text its field can show
        self.stack: list[_Frame] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_TAGS:
            return
        has_dir = any(name == "dir" for name, _ in attrs) and tag not in {"html", "body"}
        self.stack.append(_Frame(tag, tag == "bdi" or has_dir or tag in SELF_ISOLATING))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index].tag == tag:
                for frame in reversed(self.stack[index:]):
                    self._close(frame)
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        isolates = [frame for frame in self.stack if frame.isolating]
        for frame in isolates:
            frame.text.append(data)
        found = MARKER.findall(data)
        if not found:
            return
        if not isolates:
            where = "/".join(frame.tag for frame in self.stack[-4:])
            self.problems.append(f"not isolated: {where}: {data.strip()[:60]!r}")
            return
        isolates[-1].markers.extend(found)

    def _close(self, frame: _Frame) -> None:
        if not frame.markers or frame.tag in SELF_ISOLATING:
            return
        text = " ".join("".join(frame.text).split())
        text = MENTIONS.sub("", text)  # a reply may open with "@name": user text too
        first = frame.markers[0]
        longest = sum(self.allowance.get(m, 0) + 1 for m in frame.markers)
        if not text.startswith(first) or len(text) > longest + 2:
            self.problems.append(f"<{frame.tag}> isolates more than user text: {text[:90]!r}")


def isolation_problems(html: str, allowance: dict[str, int]) -> list[str]:
    """Each piece of user text (found by its marker) that is not in an isolate of its own."""
    checker = _IsolationChecker(allowance)
    checker.feed(html)
    checker.close()
    return checker.problems
