"""The questionnaire as versioned data (``data/saq-<version>.json``), read by version.

Every text of a version lives in its file, one dict per text keyed by language (``en``,
``nl``; more languages are added to the same dicts), and is read with a fallback to
English. A submitted self-assessment keeps the version code it was answered under, and
its answers are always read against that version's file: publishing ``v2`` adds a file
and changes ``CURRENT``, never an old file, so stored answers keep their meaning.

Risk rules are data too: a question names the answer that signals risk (``when``, or a
number ``above``/``below`` a limit) and how strongly (``delta``, +0.5..+2 points, raise
only). "Partly" on a yes/no question whose risky answer is given counts half. Answers
never lower risk: they are the supplier's own, unverified word.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import get_language

DATA = Path(__file__).parent / "data"
CURRENT = "v1"
YES_NO = ("yes", "no", "partly", "na")
TYPES = ("yesno", "number", "choice", "text")
MIN_DELTA, MAX_DELTA = 0.5, 2.0


class UnknownVersion(LookupError):
    pass


def text_of(texts: dict[str, str] | None, language: str | None = None) -> str:
    """A text in the language asked (the active one by default), else its base language, else English."""
    if not texts:
        return ""
    lang = (language or get_language() or "en").lower()
    for key in (lang, lang.split("-")[0], "en"):
        if texts.get(key):
            return texts[key]
    return next(iter(texts.values()), "")


@dataclass(frozen=True)
class Choice:
    code: str
    texts: dict[str, str]

    @property
    def label(self) -> str:
        return text_of(self.texts)


@dataclass(frozen=True)
class Question:
    code: str
    type: str
    topics: tuple[str, ...]
    texts: dict[str, str]
    guidance_texts: dict[str, str]
    step_texts: dict[str, str]
    risk: dict[str, Any]
    choices: tuple[Choice, ...] = ()
    unit_texts: dict[str, str] = field(default_factory=dict)
    section: str = ""

    @property
    def text(self) -> str:
        return text_of(self.texts)

    @property
    def guidance(self) -> str:
        return text_of(self.guidance_texts)

    @property
    def first_step(self) -> str:
        return text_of(self.step_texts)

    @property
    def unit(self) -> str:
        return text_of(self.unit_texts)

    def risk_delta(self, answer: Any) -> float:
        """Points this answer adds to the question's topics (0 when it signals no risk)."""
        rule = self.risk
        if not rule or answer in (None, "", "na"):
            return 0.0
        delta = float(rule.get("delta", 0))
        if self.type == "number":
            try:
                value = float(answer)
            except (TypeError, ValueError):
                return 0.0
            if "above" in rule and value > float(rule["above"]):
                return delta
            if "below" in rule and value < float(rule["below"]):
                return delta
            return 0.0
        if answer in rule.get("when", ()):
            return delta
        if self.type == "yesno" and answer == "partly":
            return max(MIN_DELTA, delta / 2)
        return 0.0

    def answer_label(self, answer: Any, labels: dict[str, dict[str, str]]) -> str:
        """How an answer reads in the active language."""
        if answer in (None, ""):
            return ""
        if self.type == "yesno" or answer == "na":
            return text_of(labels.get(str(answer)))
        if self.type == "choice":
            found = next((c for c in self.choices if c.code == answer), None)
            return found.label if found else str(answer)
        if self.type == "number" and self.unit:
            return f"{answer} {self.unit}"
        return str(answer)


@dataclass(frozen=True)
class Section:
    code: str
    texts: dict[str, str]
    questions: tuple[Question, ...]

    @property
    def title(self) -> str:
        return text_of(self.texts)


@dataclass(frozen=True)
class Questionnaire:
    version: str
    published: str
    texts: dict[str, str]
    answer_texts: dict[str, dict[str, str]]
    sections: tuple[Section, ...]

    @property
    def title(self) -> str:
        return text_of(self.texts)

    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]

    def question(self, code: str) -> Question | None:
        return next((q for q in self.questions() if q.code == code), None)

    def section(self, code: str) -> Section | None:
        return next((s for s in self.sections if s.code == code), None)

    def answer_choices(self, question: Question) -> list[tuple[str, str]]:
        """(code, label) pairs a form offers for a question (numbers and texts have none)."""
        if question.type == "yesno":
            return [(code, text_of(self.answer_texts.get(code))) for code in YES_NO]
        if question.type == "choice":
            return [(c.code, c.label) for c in question.choices]
        return []

    def clean(self, answers: dict[str, Any]) -> dict[str, Any]:
        """Only answers to this version's questions, of the right shape (unknown codes dropped)."""
        out: dict[str, Any] = {}
        for q in self.questions():
            value = answers.get(q.code)
            if value in (None, ""):
                continue
            if (q.type == "yesno" and value in YES_NO) or (
                q.type == "choice" and (value in {c.code for c in q.choices} or value == "na")
            ):
                out[q.code] = value
            elif q.type == "number":
                try:
                    number = float(value)
                except (TypeError, ValueError):
                    continue
                if number >= 0:
                    out[q.code] = int(number) if number.is_integer() else number
            elif q.type == "text":
                out[q.code] = str(value).strip()[:2000]
        return out

    def completeness(self, answers: dict[str, Any]) -> int:
        """Per cent of the questions answered ("not applicable" is an answer; the free text is optional)."""
        required = [q for q in self.questions() if q.type != "text"]
        if not required:
            return 100
        done = sum(1 for q in required if answers.get(q.code) not in (None, ""))
        return round(100 * done / len(required))

    def section_completeness(self, section: Section, answers: dict[str, Any]) -> tuple[int, int]:
        required = [q for q in section.questions if q.type != "text"]
        return sum(1 for q in required if answers.get(q.code) not in (None, "")), len(required)

    def risk_answers(self, answers: dict[str, Any]) -> list[tuple[Question, float]]:
        """The questions whose answer signals risk, with the points it adds."""
        found = []
        for q in self.questions():
            delta = q.risk_delta(answers.get(q.code))
            if delta > 0:
                found.append((q, delta))
        return found


def _question(raw: dict[str, Any], section: str) -> Question:
    if raw["type"] not in TYPES:
        raise ValueError(f"{raw['code']}: unknown type {raw['type']!r}")
    risk = dict(raw.get("risk") or {})
    if risk and not MIN_DELTA <= float(risk.get("delta", 0)) <= MAX_DELTA:
        raise ValueError(f"{raw['code']}: a risk delta is between {MIN_DELTA} and {MAX_DELTA} points")
    return Question(
        code=raw["code"],
        type=raw["type"],
        topics=tuple(raw.get("topics", ())),
        texts=raw["text"],
        guidance_texts=raw.get("guidance") or {},
        step_texts=raw.get("first_step") or {},
        risk=risk,
        choices=tuple(Choice(c["code"], c["text"]) for c in raw.get("choices", ())),
        unit_texts=raw.get("unit") or {},
        section=section,
    )


@cache
def load(version: str = CURRENT) -> Questionnaire:
    """A version's questionnaire from its file; a version no file holds raises UnknownVersion."""
    if not version.replace("-", "").replace(".", "").isalnum():
        raise UnknownVersion(version)
    path = DATA / f"saq-{version}.json"
    if not path.is_file():
        raise UnknownVersion(version)
    raw = json.loads(path.read_text(encoding="utf-8"))
    if raw.get("version") != version:
        raise ValueError(f"{path.name} says it is version {raw.get('version')!r}")
    sections = tuple(
        Section(
            code=s["code"],
            texts=s["title"],
            questions=tuple(_question(q, s["code"]) for q in s["questions"]),
        )
        for s in raw["sections"]
    )
    codes = [q.code for s in sections for q in s.questions]
    if len(codes) != len(set(codes)):
        raise ValueError(f"{path.name}: question codes repeat")
    return Questionnaire(version, raw.get("published", ""), raw["title"], raw.get("answers", {}), sections)


def versions() -> list[str]:
    """Every version a file holds (old ones stay: stored answers are read against them)."""
    return sorted(p.stem.removeprefix("saq-") for p in DATA.glob("saq-*.json"))
