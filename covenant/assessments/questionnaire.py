"""The questionnaire: versioned data in ``data/questionnaire-*.json``, and its scoring rule.

Each file is one version (``"version": "2026.1"``). Files are never edited once a cycle used
them: a new version is a new file, and an assessment is always read and scored under the
version it was answered with (``Assessment.version``). Plain Python, no database.

The scoring rule (also in each file's ``scoring`` text, shown to members):

- every scored sub-question ("item") earns a credit between 0 and 1: yes 1, partly 0.5, no 0;
  a choice its option's ``points``; a percentage or number the credit of the highest band it
  reaches (``bands``: ``[[threshold, credit], ...]``); an unanswered item 0. Text items are
  not scored;
- items of a core question weigh ``weights.core``, others ``weights.other``;
- a step's share is its weighted credit over its total weight; its maturity (0-4) is the
  highest ``levels[].min`` the share reaches. Thresholds are data, so a version may move them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from django.utils import translation

DATA_DIR = Path(__file__).resolve().parent / "data"
FILE_PATTERN = "questionnaire-*.json"
STEPS = (1, 2, 3, 4, 5, 6)
YES_NO_CREDIT = {"yes": 1.0, "partly": 0.5, "no": 0.0}
SCORED_TYPES = frozenset({"yesno", "choice", "percentage", "number"})


def _text(texts: dict[str, str], language: str | None = None) -> str:
    """The text in the reader's language (English when the version has none in it)."""
    code = (language or translation.get_language() or "en").split("-")[0]
    return texts.get(code) or texts.get("en") or ""


@dataclass(frozen=True)
class Option:
    value: str
    points: float
    texts: dict[str, str]

    @property
    def label(self) -> str:
        return _text(self.texts)


@dataclass(frozen=True)
class Item:
    code: str
    type: str
    texts: dict[str, str]
    step: int
    question: str
    core: bool
    weight: float
    required: bool
    options: tuple[Option, ...] = ()
    bands: tuple[tuple[float, float], ...] = ()
    prefill: str = ""

    @property
    def text(self) -> str:
        return _text(self.texts)

    @property
    def scored(self) -> bool:
        return self.type in SCORED_TYPES

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    def clean(self, raw: object) -> object:
        """The answer as stored (``None``: unanswered), or ``ValueError`` with a reason."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if self.type == "yesno":
            value = str(raw).strip().lower()
            if value not in YES_NO_CREDIT:
                raise ValueError("yes, partly or no")
            return value
        if self.type == "choice":
            value = str(raw).strip()
            if self.option(value) is None:
                raise ValueError(", ".join(o.value for o in self.options))
            return value
        if self.type in {"percentage", "number"}:
            try:
                number = Decimal(str(raw).strip().replace(",", "."))
            except InvalidOperation as exc:
                raise ValueError("a number") from exc
            if not number.is_finite() or number < 0 or (self.type == "percentage" and number > 100):
                raise ValueError("0-100" if self.type == "percentage" else "0 or more")
            if number > Decimal(10**9):
                raise ValueError("a smaller number")
            return int(number) if number == number.to_integral_value() else round(float(number), 2)
        text = str(raw).strip()
        return text[:2000]

    def credit(self, value: object) -> float:
        """What the answer earns, 0-1 (unanswered: 0)."""
        if value is None:
            return 0.0
        if self.type == "yesno":
            return YES_NO_CREDIT.get(str(value), 0.0)
        if self.type == "choice":
            option = self.option(str(value))
            return option.points if option else 0.0
        if self.type in {"percentage", "number"}:
            earned = 0.0
            for threshold, credit in self.bands:
                if float(value) >= threshold:  # type: ignore[arg-type]
                    earned = credit
            return earned
        return 0.0

    def display(self, value: object) -> str:
        """An answer as the reader reads it."""
        if value is None:
            return ""
        if self.type == "yesno":
            return {
                "yes": translation.gettext("Yes"),
                "partly": translation.gettext("Partly"),
                "no": translation.gettext("No"),
            }[str(value)]
        if self.type == "choice":
            option = self.option(str(value))
            return option.label if option else str(value)
        if self.type == "percentage":
            return f"{value} %"
        return str(value)


@dataclass(frozen=True)
class Question:
    code: str
    step: int
    core: bool
    texts: dict[str, str]
    guidance_texts: dict[str, str]
    items: tuple[Item, ...]

    @property
    def text(self) -> str:
        return _text(self.texts)

    @property
    def guidance(self) -> str:
        return _text(self.guidance_texts)


@dataclass(frozen=True)
class Level:
    level: int
    min: float
    texts: dict[str, str]

    @property
    def label(self) -> str:
        return _text(self.texts)


@dataclass(frozen=True)
class Questionnaire:
    version: str
    titles: dict[str, str]
    scoring_texts: dict[str, str]
    levels: tuple[Level, ...]
    questions: tuple[Question, ...]

    @property
    def title(self) -> str:
        return _text(self.titles)

    @property
    def scoring(self) -> str:
        return _text(self.scoring_texts)

    def questions_of(self, step: int) -> list[Question]:
        return [q for q in self.questions if q.step == step]

    def items(self, step: int | None = None) -> list[Item]:
        return [i for q in self.questions if step is None or q.step == step for i in q.items]

    def item(self, code: str) -> Item | None:
        return next((i for i in self.items() if i.code == code), None)

    def level_label(self, level: int) -> str:
        return next((lv.label for lv in self.levels if lv.level == level), str(level))

    def share(self, step: int, answers: dict[str, Any]) -> float:
        """The step's weighted credit over its weight, 0-1 (see the module's docstring)."""
        total = earned = 0.0
        for item in self.items(step):
            if not item.scored:
                continue
            total += item.weight
            earned += item.weight * item.credit(answer_value(answers, item.code))
        return earned / total if total else 0.0

    def maturity(self, share: float) -> int:
        # A small tolerance, so 0.6 computed as 0.59999… still reaches the 0.6 threshold.
        reached = [lv.level for lv in self.levels if share + 1e-9 >= lv.min]
        return max(reached) if reached else 0

    def scores(self, answers: dict[str, Any]) -> dict[str, int]:
        return {str(step): self.maturity(self.share(step, answers)) for step in STEPS}

    def missing(self, answers: dict[str, Any], step: int | None = None) -> list[Item]:
        """Required items without an answer."""
        return [i for i in self.items(step) if i.required and answer_value(answers, i.code) is None]


def answer_value(answers: dict[str, Any], code: str) -> object:
    entry = answers.get(code)
    if isinstance(entry, dict):
        return entry.get("value")
    return entry


def _parse(data: dict[str, Any]) -> Questionnaire:
    weights = data.get("weights") or {"core": 1, "other": 1}
    questions = []
    for step_data in data["steps"]:
        step = int(step_data["step"])
        if step not in STEPS:
            raise ValueError(f"step {step} is not an OECD step")
        for q in step_data["questions"]:
            core = bool(q.get("core"))
            items = []
            for i in q["items"]:
                if i["type"] not in SCORED_TYPES | {"text"}:
                    raise ValueError(f"{i['code']}: unknown type {i['type']}")
                items.append(
                    Item(
                        code=i["code"],
                        type=i["type"],
                        texts=i["text"],
                        step=step,
                        question=q["code"],
                        core=core,
                        weight=float(i.get("weight", weights["core"] if core else weights["other"])),
                        required=bool(i.get("required", i["type"] != "text")),
                        options=tuple(
                            Option(o["value"], float(o["points"]), {k: v for k, v in o.items() if len(k) == 2})
                            for o in i.get("options", [])
                        ),
                        bands=tuple((float(a), float(b)) for a, b in i.get("bands", [])),
                        prefill=i.get("prefill", ""),
                    )
                )
            questions.append(Question(q["code"], step, core, q["text"], q.get("guidance", {}), tuple(items)))
    codes = [i.code for q in questions for i in q.items]
    if len(codes) != len(set(codes)):
        raise ValueError("item codes must be unique")
    levels = tuple(
        Level(int(lv["level"]), float(lv["min"]), {k: v for k, v in lv.items() if len(k) == 2}) for lv in data["levels"]
    )
    return Questionnaire(data["version"], data.get("title", {}), data.get("scoring", {}), levels, tuple(questions))


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


@cache
def _load(directory: str) -> dict[str, Questionnaire]:
    found: dict[str, Questionnaire] = {}
    for path in sorted(Path(directory).glob(FILE_PATTERN)):
        parsed = _parse(json.loads(path.read_text(encoding="utf-8")))
        if parsed.version in found:
            raise ValueError(f"{path.name}: version {parsed.version} is in two files")
        found[parsed.version] = parsed
    return found


def versions() -> dict[str, Questionnaire]:
    return _load(str(DATA_DIR))


def get(version: str) -> Questionnaire:
    """The questionnaire of one version; a ``KeyError`` for one whose file is gone (never delete one)."""
    return versions()[version]


def latest() -> Questionnaire:
    return max(versions().values(), key=lambda q: _version_key(q.version))


def reload() -> None:
    """Forget the files read (tests that point ``DATA_DIR`` elsewhere)."""
    _load.cache_clear()
