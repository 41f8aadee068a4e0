"""Record matching for the Covenant facility register (pure Python, no Django).

Public API::

    from covenant.matching import (
        Record, MatchIndex, Matcher, Thresholds, MatchResult, Candidate, Feedback,
    )

    # A row of a register or of a supplier list. country: ISO 3166-1 alpha-2.
    rec = Record(id="F1", name="Ningbo Huayi Garments Co., Ltd.",
                 address="No.11 Dongqian Lake Area, Ningbo", country="CN",
                 identifiers={"duns": "123456789"}, lat=29.8, lng=121.6,
                 aliases=("宁波华艺服装有限公司",))

    index = MatchIndex()
    index.add(rec); index.add_many(recs)        # register facilities
    index.update(rec)                           # rename / move / new identifiers
    index.add_alias("F1", "Huayi Knitwear")     # another name of the same site
    index.merge("F2", "F1")                     # F2 folds into F1; resolve("F2") == "F1"
    index.remove("F3")
    index.save("register.idx"); index = MatchIndex.load("register.idx")

    matcher = Matcher(index, Thresholds(match=0.8, review=0.3, margin=0.1))
    people = Matcher(person_index, kind="people")  # a register of people, not sites
    result = matcher.match(row)                 # MatchResult
    result.decision                             # "match" | "review" | "new"
    result.registry_id, result.score            # best candidate (None for "new")
    result.candidates[0].features               # why: name_*, address_*, same_duns...
    results = matcher.match_many(rows, workers=2, progress=lambda done, total: ...)

    matcher.learn(row, "F1", confirmed=True)    # a reviewer's verdict
    matcher.refit()                             # re-fit weights on all verdicts
    matcher.screen("Acme Trading LLC", country="AE")   # name-only search

Reviewer verdicts, fitted weights and the index itself are saved together by
``MatchIndex.save``. See docs/matching.md for how it works and what it costs.
"""

from .index import FeedbackStore, MatchIndex
from .matcher import DECISIONS, Candidate, Feedback, Matcher, MatchResult, Thresholds
from .normalize import address_tokens, name_tokens
from .records import IDENTIFIER_SCHEMES, Record

__all__ = [
    "DECISIONS",
    "IDENTIFIER_SCHEMES",
    "Candidate",
    "Feedback",
    "FeedbackStore",
    "MatchIndex",
    "MatchResult",
    "Matcher",
    "Record",
    "Thresholds",
    "address_tokens",
    "name_tokens",
]
