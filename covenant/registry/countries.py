"""The country parser, kept importable here for the register's modules: it lives in ``core.countries``.

Pure Python: no Django imports.
"""

from __future__ import annotations

from covenant.core.countries import AMBIGUOUS as AMBIGUOUS
from covenant.core.countries import LANGUAGES as LANGUAGES
from covenant.core.countries import country_candidates as country_candidates
from covenant.core.countries import country_name as country_name
from covenant.core.countries import normalize as normalize
from covenant.core.countries import parse_country as parse_country

__all__ = ["AMBIGUOUS", "country_candidates", "country_name", "parse_country"]
