"""The quick scan as a PDF (fpdf2, pure Python), in the reader's language.

The PDF's built-in fonts cover Latin-1, enough for English and Dutch: typographic marks
outside it are written as their plain forms, and a country name that is not Latin-1 in the
reader's language is written in English.
"""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django_countries import countries
from fpdf import FPDF

from covenant.capability.scan import QuickScan, TopicResult

_PLAIN = str.maketrans(
    {
        "–": "-",
        "—": "-",
        "−": "-",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "…": "...",
        "€": "EUR ",
        "≥": ">=",
        "≤": "<=",
        "\u00a0": " ",
        "\u202f": " ",
    }
)


def latin1(text: str) -> str:
    """``text`` as the PDF's built-in fonts can write it (unknown characters become "?")."""
    return str(text).translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def _country(code: str) -> str:
    name = str(countries.name(code)) or code
    try:
        name.encode("latin-1")
    except UnicodeEncodeError:
        with translation.override("en"):
            name = str(countries.name(code)) or code
    return name


class _Doc(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, latin1(_("Covenant quick scan - page %(page)s") % {"page": self.page_no()}), align="C")


def _wrap(doc: FPDF, text: str, width: float) -> list[str]:
    """Greedy word wrap by the current font's widths. fpdf2's ``multi_cell`` measures a line
    again for every character it adds (quadratic: 80 % of a long scan's PDF time), and its
    ``get_string_width`` builds text fragments per call; the built-in fonts' width table is enough
    for Latin-1 text."""
    widths: dict[str, int] = doc.current_font.cw  # type: ignore[union-attr,assignment]
    scale = doc.font_size_pt / 1000 / doc.k

    def measure(text: str) -> float:
        return float(sum(widths.get(c, 600) for c in text)) * scale

    space = measure(" ")
    lines: list[str] = []
    current: list[str] = []
    used = 0.0
    for word in text.split(" "):
        size = measure(word)
        while size > width:  # a word wider than the line (a web address): cut it
            if current:
                lines.append(" ".join(current))
                current, used = [], 0.0
            cut = len(word)
            while cut > 1 and measure(word[:cut]) > width:
                cut = max(1, cut * 3 // 4)
            lines.append(word[:cut])
            word = word[cut:]
            size = measure(word)
        if current and used + space + size > width:
            lines.append(" ".join(current))
            current, used = [], 0.0
        used += (space if current else 0.0) + size
        current.append(word)
    if current or not lines:
        lines.append(" ".join(current))
    return lines


def _write(doc: FPDF, text: str, *, size: float = 10, style: str = "", height: float = 5, indent: float = 0) -> None:
    doc.set_font("Helvetica", style=style, size=size)
    width = doc.epw - indent
    for line in _wrap(doc, latin1(text), width):
        doc.set_x(doc.l_margin + indent)
        doc.cell(width, height, line, new_x="LMARGIN", new_y="NEXT")


def _topic(doc: FPDF, topic: TopicResult) -> None:
    _write(
        doc,
        f"{topic.label}: {topic.band_label} ({topic.score_text})",
        style="B",
        size=10,
    )
    _write(doc, _("Sources: %(sources)s") % {"sources": "; ".join(topic.sources)}, size=8, indent=4)
    for line in topic.lines:
        _write(doc, f"{line.text}: {line.shown}", size=8, height=4, indent=4)
    if topic.actions:
        _write(doc, _("First actions"), style="B", size=9, indent=4)
        for action in topic.actions:
            flag = f" [{_('gender-specific')}]" if action.gender else ""
            source = f"{action.source.title} ({action.source.publisher}, {action.source.year})"
            _write(doc, f"- {action.text}{flag}", size=9, indent=6)
            _write(doc, _("Source: %(source)s") % {"source": source}, size=7, height=4, indent=9)
    doc.ln(1)


def render_pdf(scan: QuickScan, *, page_url: str) -> bytes:
    doc = _Doc(format="A4")
    doc.set_margins(15, 15, 15)
    doc.set_auto_page_break(True, margin=16)
    doc.set_title(latin1(_("Quick scan of human-rights risks")))
    doc.set_author("Covenant")
    doc.add_page()
    _write(doc, _("Quick scan of human-rights risks"), size=16, style="B", height=8)
    _write(doc, timezone.localdate().isoformat(), size=9)
    low, high, very_high = scan.limits
    _write(
        doc,
        _(
            "Inherent risk per topic on 0-10 (likelihood x severity) from public indicators, before anything is "
            "known about your suppliers. Bands: low below %(low)s, medium below %(high)s, high below "
            "%(very_high)s, very high from %(very_high)s."
        )
        % {"low": number_format(low, 2), "high": number_format(high, 2), "very_high": number_format(very_high, 2)},
        size=9,
    )
    doc.ln(2)
    for pair in scan.pairs:
        title = f"{pair.item.label} - {_country(pair.country)}"
        _write(doc, title, size=13, style="B", height=7)
        _write(
            doc,
            _("Highest: %(topic)s, %(band)s (%(score)s)")
            % {
                "topic": pair.top.label,
                "band": pair.top.band_label,
                "score": pair.top.score_text,
            },
            size=9,
        )
        if not pair.high_topics:
            _write(doc, _("No topic is high or very high on public indicators alone."), size=9)
        for topic in pair.high_topics:
            _topic(doc, topic)
        others = ", ".join(f"{t.label} {t.band_label} ({t.score_text})" for t in pair.other_topics)
        if others:
            _write(doc, _("Other topics: %(topics)s") % {"topics": others}, size=8, height=4)
        doc.ln(3)
    _write(doc, _("Sources"), size=12, style="B", height=7)
    for source in scan.sources:
        text = f"{source.name} {source.edition}: {source.source}. {source.url} ({source.licence})"
        _write(doc, text, size=8, height=4)
    _write(
        doc,
        _("Recommendations library %(edition)s: summaries of public guidance, each naming its source.")
        % {"edition": scan.library_edition},
        size=8,
        height=4,
    )
    doc.ln(2)
    _write(doc, _("This scan online: %(url)s") % {"url": page_url}, size=8, height=4)
    return bytes(doc.output())
