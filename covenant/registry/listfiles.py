"""Read the supplier lists that member companies upload (CSV or XLSX) and clean their rows.

Three steps, each usable on its own:

1. :func:`read_table` turns the uploaded bytes into a :class:`Table` of strings with
   :mod:`covenant.tabular`, the reader every import shares (file type, text encoding,
   CSV delimiter, XLSX limits, header row, empty rows), preferring a workbook's sheet
   whose name says it holds the suppliers.
2. :func:`suggest_mapping` guesses which column holds which of our fields from the
   headers (English and Dutch).
3. :func:`clean_rows` validates and normalises every row under a mapping the person
   confirmed, giving :class:`CleanRow` objects and :class:`RowError` messages.

Row numbers
    Every row number shown to people is the *spreadsheet row number* of
    :mod:`covenant.tabular`: the number Excel shows at the left when the file is opened
    (the header is row 1, the first data row row 2, empty rows counted, a multi-line
    quoted CSV cell one row). Use :meth:`Table.row_number`.

Error codes
    Every error carries a stable ``code`` and ``params`` so the Django layer can
    translate it; ``message`` is the plain English text. :data:`FILE_ERROR_MESSAGES`
    and :data:`ROW_ERROR_MESSAGES` hold the English templates, in ``%(name)s`` form.

Junk text
    Only sites enter the register. :func:`check_text` refuses a name or address that is a
    spreadsheet formula, that has no letter in any script (``??????????``), that still
    looks garbled after repair (text saved in one encoding and read in another), or that
    holds control characters or bidirectional embeddings/overrides/isolates (U+202A-U+202E,
    U+2066-U+2069), which can make text show differently from what it says. Mojibake
    (UTF-8 read as Windows-1252, ``CafÃ©``) is repaired where re-encoding gives valid
    UTF-8 free of such sequences, and the row carries a note saying so. Every text that
    enters the register goes through :func:`normalize_text`.

Pure Python: no Django imports.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

import stdnum.ean
import stdnum.lei
from anyascii import anyascii
from dateutil import parser as dateutil_parser

from covenant import tabular
from covenant.registry.countries import country_candidates
from covenant.tabular import Table, TableError

__all__ = [
    "FIELDS",
    "FIELD_LABELS",
    "FILE_ERROR_MESSAGES",
    "REQUIRED_FIELDS",
    "ROW_ERROR_MESSAGES",
    "SPEND_BANDS",
    "CheckedText",
    "CleanRow",
    "ListFileError",
    "RowError",
    "RowNote",
    "Table",
    "check_text",
    "clean_rows",
    "normalize_identifier",
    "normalize_text",
    "read_table",
    "repair_mojibake",
    "suggest_mapping",
]

MAX_NAME_LENGTH = 300
MAX_TEXT_LENGTH = 1000

# --------------------------------------------------------------------------- reading

FILE_ERROR_MESSAGES: dict[str, str] = {
    **tabular.FILE_ERROR_MESSAGES,
    "missing_fields": "Choose the columns for: %(fields)s.",
    "invalid_mapping": "The column choice is not valid: %(detail)s.",
}


class ListFileError(TableError):
    """A supplier list that cannot be read or mapped as a whole; ``message`` is fit to show."""

    messages = FILE_ERROR_MESSAGES


# Sheets that hold the list in a workbook that also has instructions or lookup lists.
_SUPPLIER_SHEET = re.compile(r"supplier|leverancier|factor|fabriek|facilit|site|locati|vendor|upload", re.I)


def read_table(data: bytes, filename: str, *, max_rows: int = 100_000) -> Table:
    """Read an uploaded supplier list (see :mod:`covenant.tabular`). Raises :class:`ListFileError`."""
    try:
        return tabular.read_table(data, filename, max_rows=max_rows, prefer_sheet=_SUPPLIER_SHEET)
    except TableError as exc:
        raise ListFileError(exc.code, **exc.params) from exc


# --------------------------------------------------------------------------- header mapping

FIELDS: tuple[str, ...] = (
    "name", "country", "address", "city", "postal_code", "reference", "tier", "products", "spend_band", "volume",
    "sector", "lat", "lng", "duns", "lei", "gln", "os_id", "start_date", "end_date", "parent_company",
)  # fmt: skip
REQUIRED_FIELDS: tuple[str, ...] = ("name", "country")
FIELD_LABELS: dict[str, str] = {
    "name": "Name",
    "country": "Country",
    "address": "Address",
    "city": "City",
    "postal_code": "Postal code",
    "reference": "Your supplier ID",
    "tier": "Tier",
    "products": "Products",
    "spend_band": "Spend",
    "volume": "Volume",
    "sector": "Sector",
    "lat": "Latitude",
    "lng": "Longitude",
    "duns": "DUNS number",
    "lei": "LEI",
    "gln": "GLN",
    "os_id": "OS ID",
    "start_date": "Start date",
    "end_date": "End date",
    "parent_company": "Parent company",
}


@dataclass(frozen=True)
class _HeaderRule:
    exact: frozenset[str]
    # Each pattern is a list of slots; a slot is satisfied by any of its words:
    # "supplier|vendor id|nr" matches "vendor nr" and "supplier id number".
    patterns: tuple[str, ...] = ()
    exclude: frozenset[str] = frozenset()


def _rule(exact: str, patterns: tuple[str, ...] = (), exclude: str = "") -> _HeaderRule:
    return _HeaderRule(frozenset(exact.split(",")), patterns, frozenset(exclude.split()))


# Words that mark a column as something other than the facility's name.
_NOT_NAME = (
    "id nr no number nummer code ref reference type contact person persoon contactpersoon email mail phone"
    " telefoon tel fax parent moeder moederbedrijf group groep holding owner eigenaar address adres country land"
    " city plaats stad postcode zip tier schakel product products producten date datum website url web brand merk"
    " buyer inkoper category categorie status lat latitude lng longitude sector spend volume duns lei gln os oar"
    " since sinds start end street straat audit certificate certificaat"
)
_HEADER_RULES: dict[str, _HeaderRule] = {
    "name": _rule(
        "name,naam,supplier,supplier name,factory,factory name,facility,facility name,site,site name,"
        "production location,production location name,production site,name facility,name factory,name supplier,"
        "leverancier,naam leverancier,leveranciersnaam,leverancier naam,fabriek,fabrieksnaam,naam fabriek,"
        "productielocatie,naam productielocatie,productielocatie naam,bedrijfsnaam,bedrijf,company,company name,"
        "vendor,vendor name,manufacturer,manufacturer name,producer,producent,location name,locatie,locatienaam,"
        "business name,legal name,supplier legal name,factory legal name,facility legal name,organisation name,"
        "organization name,mill,mill name,name production location,name site,firmanaam,firma",
        (
            "name|naam|supplier|factory|facility|site|leverancier|fabriek|productielocatie|bedrijfsnaam|vendor"
            "|manufacturer|company|bedrijf|producent|producer|mill|fabrieksnaam|leveranciersnaam|locatienaam",
        ),
        _NOT_NAME,
    ),
    "country": _rule(
        "country,land,country code,landcode,country iso,iso country,iso country code,country iso code,country name,"
        "landnaam,country region,country of production,production country,productieland,land productie,"
        "country location,location country,vestigingsland,pays,pais,country iso2,iso2,iso 2,alpha 2,countries",
        ("country|land|landcode|productieland|vestigingsland|countries",),
        "phone telefoon tel dial origin",
    ),
    "address": _rule(
        "address,adres,street address,straat,street,straatnaam,address line 1,address 1,address line,adresregel,"
        "adresregel 1,adres 1,full address,volledig adres,site address,factory address,facility address,"
        "supplier address,adres leverancier,bezoekadres,vestigingsadres,location address,physical address,"
        "street and number,straat en huisnummer,straat huisnummer,adres fabriek,adres productielocatie,adresse,"
        "direccion,endereco,address street",
        ("address|adres|street|straat|adresse|adresregel|bezoekadres|vestigingsadres",),
        "email mail e web website url ip invoice factuur billing postbus 2 3 email",
    ),
    "city": _rule(
        "city,plaats,stad,town,city town,town city,woonplaats,vestigingsplaats,plaatsnaam,place,locality,"
        "municipality,gemeente,ort,ville,ciudad,cidade,city name",
        ("city|plaats|stad|town|woonplaats|vestigingsplaats|plaatsnaam|locality",),
        "country land postcode zip",
    ),
    "postal_code": _rule(
        "postcode,postal code,zip,zip code,zipcode,post code,postal,plz,code postal,codigo postal,cep,postalcode",
        ("postcode|zip|zipcode|postal|plz|postalcode",),
        "address adres city plaats stad",
    ),
    "reference": _rule(
        "reference,supplier id,supplier number,supplier nr,supplier code,supplier no,supplier ref,supplier reference,"
        "vendor id,vendor number,vendor no,vendor code,vendor nr,leveranciersnummer,leveranciernummer,"
        "leverancier nummer,leverancierscode,leveranciercode,leverancier code,leverancier id,leverancier nr,"
        "referentie,kenmerk,your reference,internal id,internal reference,eigen referentie,own reference,id,nr,"
        "nummer,code,number,factory id,facility id,site id,factory number,factory code,fabrieksnummer,"
        "crediteurnummer,crediteurennummer,crediteur nummer,creditor number,ref,ref no,erp id,sap id,sap number,"
        "member reference,internal code,your supplier id,supplier id member",
        (
            "supplier|vendor|leverancier|factory|facility|site|fabriek|crediteur|creditor|internal|intern|own|eigen"
            "|member|erp|sap id|nr|no|number|nummer|code|ref|reference|referentie",
        ),
        "duns lei gln os oar open tax vat btw kvk registration parent",
    ),
    "tier": _rule(
        "tier,schakel,ketenschakel,tier level,supply chain tier,tier nr,tier number,supplier tier,niveau,ketenniveau,"
        "chain tier,level,tier no",
        ("tier|schakel|ketenschakel|ketenniveau",),
    ),
    "products": _rule(
        "products,product,producten,product category,product categories,productcategorie,productgroep,product group,"
        "product type,product types,producttype,goods,items,artikelen,product description,main products,"
        "hoofdproducten,product range,assortiment,commodity,commodities,productcategorieen,main product",
        ("product|products|producten|productcategorie|productgroep|goods|commodity|commodities|artikelen",),
        "id code number nr volume quantity",
    ),
    "spend_band": _rule(
        "spend,spend band,spend category,annual spend,purchase value,inkoopwaarde,inkoopvolume,inkoopbedrag,"
        "spend range,spend bracket,purchase amount,annual purchase value,jaarlijkse inkoopwaarde,order value,"
        "inkoopwaarde categorie,spend eur,spend euro,business value,purchasing value",
        ("spend|inkoopwaarde|inkoopbedrag|inkoopvolume", "purchase|purchasing|inkoop|order value|waarde|amount"),
    ),
    "volume": _rule(
        "volume,production volume,productievolume,order volume,ordervolume,quantity,aantal,hoeveelheid,units,pieces,"
        "annual volume,volume pieces,aantal stuks,stuks,volume units,volumes,order quantity,annual quantity",
        ("volume|quantity|aantal|hoeveelheid|stuks|pieces|units|productievolume|ordervolume",),
        "purchase spend inkoop",
    ),
    "sector": _rule(
        "sector,industry,branche,industrie,bedrijfstak,sector name,industry sector,sector industry",
        ("sector|industry|branche|bedrijfstak",),
    ),
    "lat": _rule(
        "lat,latitude,breedtegraad,y,gps lat,gps latitude,lat dd,latitude dd,coordinates lat,y coordinate",
        ("lat|latitude|breedtegraad",),
    ),
    "lng": _rule(
        "lng,lon,long,longitude,lengtegraad,x,gps lng,gps lon,gps long,gps longitude,longitude dd,lon dd,"
        "coordinates lng,coordinates lon,x coordinate",
        ("lng|lon|longitude|lengtegraad",),
    ),
    "duns": _rule(
        "duns,duns number,duns nr,duns nummer,dunsnummer,duns no,duns id,duns code,dunsnumber",
        ("duns|dunsnummer|dunsnumber",),
    ),
    "lei": _rule("lei,lei code,lei number,legal entity identifier,lei nummer,lei id", ("lei",)),
    "gln": _rule("gln,global location number,gln number,gln code,gln nummer", ("gln",)),
    "os_id": _rule(
        "os id,osid,open supply id,open supply hub id,oar id,oar,os hub id,osh id,open apparel registry id,"
        "oar number,os number,os hub,open supply hub,ossh id",
        ("os|oar|osh|osid id|nr|number|nummer", "open supply|apparel"),
    ),
    "start_date": _rule(
        "start date,startdatum,start,since,sinds,begin date,begindatum,supplier since,relationship start,"
        "start relationship,active since,actief sinds,in use since,date added,start of relationship,aanvangsdatum,"
        "ingangsdatum,first order date,first order,datum eerste order,leverancier sinds,startdate",
        ("start|begin|since|sinds|aanvang|ingang date|datum|relationship|relatie", "startdatum|begindatum|startdate"),
    ),
    "end_date": _rule(
        "end date,einddatum,end,until,tot,stop date,stopdatum,einde,end of relationship,end relationship,"
        "relationship end,date ended,inactive since,last order date,last order,datum laatste order,terminated,"
        "termination date,enddate",
        ("end|eind|stop|until|termination|einde|ended date|datum|relationship|relatie", "einddatum|stopdatum|enddate"),
    ),
    "parent_company": _rule(
        "parent company,moederbedrijf,parent,moedermaatschappij,holding,group,groep,concern,parent company name,"
        "group name,owner,eigenaar,parent organisation,parent organization,holding company,business group,"
        "corporate group,moeder bedrijf,groepsnaam,concernnaam",
        ("parent|moederbedrijf|moedermaatschappij|holding|concern", "group|groep company|name|naam|bedrijf"),
    ),
}

_FILLER = frozenset(
    {"optional", "optioneel", "verplicht", "required", "mandatory", "please", "fill", "invullen", "your", "uw"}
    | {"the", "of", "van", "de", "het", "der", "den", "a", "an", "s"}
)
_EXACT_SCORE = 100


def _header_key(header: str) -> str:
    """Lower-case ASCII words of a header, without "(optional)"-style asides and filler words."""
    if not re.search(r"[^\W_]", header):
        return ""  # a lone "#" column numbers the rows; it is not the member's supplier id
    text = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", header)  # SupplierName, DUNSNumber
    text = anyascii(unicodedata.normalize("NFKC", text)).lower()
    without_asides = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", text)
    if re.search(r"[a-z0-9]", without_asides):
        text = without_asides
    text = re.sub(r"\bd\W?u\W?n\W?s\b", "duns", text).replace("&", " and ").replace("#", " nr ")
    return " ".join(word for word in re.findall(r"[a-z0-9]+", text) if word not in _FILLER)


def _header_score(key: str, rule: _HeaderRule) -> int:
    if key in rule.exact:
        return _EXACT_SCORE
    words = set(key.split())
    if not words or words & rule.exclude:
        return 0
    best = 0
    for pattern in rule.patterns:
        slots = [set(slot.split("|")) for slot in pattern.split()]
        if all(words & slot for slot in slots):
            best = max(best, 50 + 5 * len(slots))
    return best


def suggest_mapping(headers: list[str]) -> dict[str, int]:
    """Guess the column index of each field from the headers; fields without a good guess are left out.

    No column is given to two fields: the strongest match wins, then the leftmost column.
    """
    keys = [_header_key(header) for header in headers]
    candidates = [
        (score, column, FIELDS.index(name), name)
        for name, rule in _HEADER_RULES.items()
        for column, key in enumerate(keys)
        if (score := _header_score(key, rule))
    ]
    candidates.sort(key=lambda candidate: (-candidate[0], candidate[1], candidate[2]))
    mapping: dict[str, int] = {}
    for _, column, _, name in candidates:
        if name not in mapping and column not in mapping.values():
            mapping[name] = column
    return {name: mapping[name] for name in FIELDS if name in mapping}


# --------------------------------------------------------------------------- junk text

# Bidirectional embeddings, overrides (U+202A-U+202E) and isolates (U+2066-U+2069) reorder
# what is shown: "abc\u202egnp.exe" shows as "abcexe.png". Removing them changes what the
# reader sees, so a name or address holding them is refused rather than quietly altered.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Invisible and without meaning in a register entry: zero-width space, word joiner, byte
# order mark, and the left-to-right/right-to-left/Arabic letter marks. Removed.
_INVISIBLE = frozenset("\u200b\u2060\ufeff\u200e\u200f\u061c")
# The zero-width non-joiner and joiner are spelling in Persian, Urdu and the Indic scripts
# (Persian "می‌خواهم", Malayalam chillu letters, Sinhala conjuncts): kept between two
# letters or marks of the Arabic or an Indic script, removed anywhere else.
_JOINERS = frozenset("\u200c\u200d")
_JOINING_SCRIPTS = (
    (0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFE),  # Arabic
    (0x0900, 0x0DFF),  # Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada, Malayalam, Sinhala
)  # fmt: skip

# A formula, as Excel or LibreOffice would run it if the text were written back to a cell.
# "=" always (no site's name begins with one); "+", "-" and "@" only before something that
# reads as a formula: a function call, a cell reference, arithmetic on numbers, or a DDE
# call ("cmd|..."). So "-12 Fabrics", "- Acme Ltd" and "@Home Textiles" are names.
_FORMULA = re.compile(
    r"=.|[+\-@]\s*(?:[A-Za-z_][\w.]*\s*\(|\$?[A-Za-z]{1,3}\$?\d+\s*(?:$|[-+*/^&:,;)=<>])|\d[\d.,]*\s*[-+*/^&]\s*[\d(]"
    r"|[A-Za-z_][\w.]*\s*\|)",
    re.DOTALL,
)
# Windows-1252 characters that bytes 0x80-0xBF (UTF-8 continuation bytes) turn into.
_CONTINUATION = "".join(
    bytes([b]).decode("cp1252", errors="ignore") or bytes([b]).decode("latin-1") for b in range(0x80, 0xC0)
)
_CONT = "[" + re.escape(_CONTINUATION) + "]"
# A UTF-8 lead byte read as Windows-1252 followed by continuation bytes: "Ã©" (é), "Ã¼" (ü),
# "â€™" (’), "Ä±" (ı). A legitimate "Ã" or "â" is followed by a letter, not by these.
_MOJIBAKE = re.compile(f"[\u00c2-\u00df]{_CONT}|[\u00e0-\u00ef]{_CONT}{{2}}|[\u00f0-\u00f4]{_CONT}{{3}}")


@dataclass(frozen=True)
class CheckedText:
    """A text made fit for the register: ``problem`` is a row error code when it is not."""

    text: str
    problem: str = ""
    repaired: bool = False


def normalize_text(value: str) -> str:
    """The register's form of a text: NFC, without control, bidi or zero-width characters, spaces collapsed.

    Control characters become spaces (a line break inside a cell separates words).
    """
    text = unicodedata.normalize("NFC", value)
    kept: list[str] = []
    for i, char in enumerate(text):
        if char in _INVISIBLE or char in _BIDI_CONTROLS:
            continue
        if char in _JOINERS:
            if _joins(text, i):
                kept.append(char)
            continue
        kept.append(" " if unicodedata.category(char) == "Cc" else char)
    return " ".join("".join(kept).split())


def _joins(text: str, i: int) -> bool:
    return 0 < i < len(text) - 1 and _in_joining_script(text[i - 1]) and _in_joining_script(text[i + 1])


def _in_joining_script(char: str) -> bool:
    code = ord(char)
    return unicodedata.category(char)[0] in "LM" and any(low <= code <= high for low, high in _JOINING_SCRIPTS)


def repair_mojibake(value: str) -> str | None:
    """``value`` decoded as UTF-8 after being read as Windows-1252 (or Latin-1), or None if unsure.

    Sure means: the text shows the typical sequences, re-encoding it gives valid UTF-8,
    and the result shows none of them (up to three rounds, for text garbled twice).
    """
    text = value
    for _ in range(3):
        if not _MOJIBAKE.search(text):
            return text if text != value else None
        for encoding in ("cp1252", "latin-1"):
            try:
                text = text.encode(encoding).decode("utf-8")
                break
            except UnicodeError:
                continue
        else:
            return None
    return None if _MOJIBAKE.search(text) else text


def check_text(value: str, *, name: bool = True) -> CheckedText:
    """Check and normalise a site's name (or, with ``name=False``, its address).

    Formulas, garbled text, control characters and bidi controls are problems; mojibake
    that can be repaired for sure is repaired. A name also needs at least one letter, of
    any script (``str.isalpha``: Chinese, Arabic, Thai and Bengali names have them).
    """
    if not value.strip():
        return CheckedText("")
    if _FORMULA.match(value.lstrip(" \t\r\n")):
        return CheckedText(normalize_text(value), "formula")
    text, repaired = value, False
    if "\ufffd" in text:  # the replacement character: something was lost when the file was decoded
        return CheckedText(normalize_text(text), "garbled_text")
    if _MOJIBAKE.search(text):
        fixed = repair_mojibake(text)
        if fixed is None:
            return CheckedText(normalize_text(text), "garbled_text")
        text, repaired = fixed, True
    if any(char in _BIDI_CONTROLS for char in text):
        return CheckedText(normalize_text(text), "bidi_controls")
    if any(unicodedata.category(char) == "Cc" and not char.isspace() for char in text):
        return CheckedText(normalize_text(text), "control_characters")
    text = normalize_text(text)
    if name and text and not any(char.isalpha() for char in text):
        return CheckedText(text, "no_letters")
    return CheckedText(text, repaired=repaired)


# --------------------------------------------------------------------------- row cleaning

SPEND_BANDS: tuple[str, ...] = ("<10k", "10k-100k", "100k-1M", ">1M")

ROW_ERROR_MESSAGES: dict[str, str] = {
    "missing_name": "Row %(row)s: the name is missing.",
    "missing_country": "Row %(row)s: the country is missing.",
    "unknown_country": (
        "Row %(row)s: '%(value)s' is not a country we know. Use the country's name or its two-letter code."
    ),
    "ambiguous_country": (
        "Row %(row)s: '%(value)s' could be more than one country (%(codes)s). Use the two-letter code."
    ),
    "too_long": "Row %(row)s: the %(label)s is longer than %(limit)s characters.",
    "duplicate_row": "Row %(row)s: this row repeats row %(first_row)s.",
    "invalid_tier": "Row %(row)s: tier must be a whole number from 1 to 10.",
    "invalid_spend_band": (
        "Row %(row)s: '%(value)s' is not a spend we understand. Use <10k, 10k-100k, 100k-1M or >1M, or an amount."
    ),
    "invalid_lat": "Row %(row)s: '%(value)s' is not a latitude; use decimal degrees such as 23.81.",
    "invalid_lng": "Row %(row)s: '%(value)s' is not a longitude; use decimal degrees such as 90.41.",
    "lat_out_of_range": "Row %(row)s: latitude must be between -90 and 90.",
    "lng_out_of_range": "Row %(row)s: longitude must be between -180 and 180.",
    "incomplete_coordinates": "Row %(row)s: give both latitude and longitude, or neither.",
    "invalid_duns": "Row %(row)s: '%(value)s' is not a valid DUNS number (9 digits).",
    "invalid_lei": "Row %(row)s: '%(value)s' is not a valid LEI (20 letters and digits, ending in check digits).",
    "invalid_gln": "Row %(row)s: '%(value)s' is not a valid GLN (13 digits, the last one a check digit).",
    "invalid_os_id": "Row %(row)s: '%(value)s' is not a valid OS ID (15 characters, such as CN2019303BQ3FZP).",
    "invalid_start_date": "Row %(row)s: '%(value)s' is not a date we understand. Use YYYY-MM-DD or DD-MM-YYYY.",
    "invalid_end_date": "Row %(row)s: '%(value)s' is not a date we understand. Use YYYY-MM-DD or DD-MM-YYYY.",
    "end_before_start": "Row %(row)s: the end date is before the start date.",
    "formula": (
        "Row %(row)s: the %(label)s '%(value)s' is a spreadsheet formula, not a site's %(label)s. Type the text itself."
    ),
    "no_letters": "Row %(row)s: the name '%(value)s' has no letters. Give the site's name.",
    "garbled_text": (
        "Row %(row)s: the %(label)s '%(value)s' looks garbled, as when a file is read in the wrong text encoding."
        " Save the file as UTF-8 CSV or as .xlsx and upload it again."
    ),
    "control_characters": "Row %(row)s: the %(label)s contains hidden control characters. Type it again.",
    "bidi_controls": (
        "Row %(row)s: the %(label)s contains hidden characters that change the reading direction,"
        " so it may show differently from what it says. Type it again."
    ),
    # A note on a row that was accepted, not an error.
    "repaired_text": "Row %(row)s: the %(label)s was garbled by a wrong text encoding and was repaired to '%(value)s'.",
}


@dataclass(frozen=True)
class RowError:
    """One problem in one row. ``message`` is English; ``code`` and ``params`` allow translation.

    ``params`` always holds ``row``; see :data:`ROW_ERROR_MESSAGES` for the others.
    """

    row_number: int
    field: str
    message: str
    code: str
    # dataclasses.field: the attribute "field" above shadows the bare name in this class body.
    params: dict[str, str | int] = dataclasses.field(default_factory=dict, hash=False)
    # What the file said in the row (normalised, cut to the register's lengths), so that an
    # error row still shows which site it was about. Context, not the error: left out of ==.
    name: str = dataclasses.field(default="", compare=False)
    address: str = dataclasses.field(default="", compare=False)
    country: str = dataclasses.field(default="", compare=False)


@dataclass(frozen=True)
class RowNote(RowError):
    """Something done to an accepted row that the member should know about (a repaired name)."""


@dataclass(frozen=True)
class CleanRow:
    """A validated supplier-list row. ``address`` joins the address, city and postal code columns."""

    row_number: int
    name: str
    address: str
    country: str
    reference: str = ""
    tier: int = 1
    products: tuple[str, ...] = ()
    spend_band: str = ""
    volume: str = ""
    sector: str = ""
    lat: float | None = None
    lng: float | None = None
    identifiers: dict[str, str] = field(default_factory=dict, hash=False)
    start_date: date | None = None
    end_date: date | None = None
    parent_company: str = ""
    city: str = ""
    postal_code: str = ""
    raw: dict[str, str] = field(default_factory=dict, hash=False)
    notes: tuple[RowNote, ...] = ()


def clean_rows(table: Table, mapping: Mapping[str, int]) -> tuple[list[CleanRow], list[RowError]]:
    """Validate every row of ``table`` under ``mapping`` (field name -> column index).

    Rows with an error are left out of the clean rows; every error is reported.
    Rows whose mapped cells are all empty are skipped silently. A row that repeats an
    earlier one (same name, address and country, ignoring case, accents and punctuation)
    is an error on the later row.
    """
    _check_mapping(table, mapping)
    clean: list[CleanRow] = []
    errors: list[RowError] = []
    first_seen: dict[tuple[str, str, str], int] = {}
    for index, cells in enumerate(table.rows):
        values = {name: cells[column] for name, column in mapping.items()}
        if not any(values.values()):
            continue
        row = _RowCleaner(table.row_number(index), values)
        result = row.clean(dict(zip(table.headers, cells, strict=True)))
        if result is None:
            errors += [row.as_written(error) for error in row.errors]
            continue
        key = (_fold(result.name), _fold(result.address), result.country)
        if key in first_seen:
            error = _row_error(result.row_number, "", "duplicate_row", first_row=first_seen[key])
            errors.append(dataclasses.replace(error, name=result.name, address=result.address, country=result.country))
            continue
        first_seen[key] = result.row_number
        clean.append(result)
    return clean, errors


def _check_mapping(table: Table, mapping: Mapping[str, int]) -> None:
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        raise ListFileError("invalid_mapping", detail=f"unknown field {unknown[0]!r}")
    if any(not 0 <= column < len(table.headers) for column in mapping.values()):
        raise ListFileError("invalid_mapping", detail="a column number is outside the table")
    if len(set(mapping.values())) < len(mapping):
        raise ListFileError("invalid_mapping", detail="two fields use the same column")
    missing = [FIELD_LABELS[name].lower() for name in REQUIRED_FIELDS if name not in mapping]
    if missing:
        raise ListFileError("missing_fields", fields=", ".join(missing))


def _row_error(row: int, field_name: str, code: str, **params: str | int) -> RowError:
    params = {"row": row, **params}
    return RowError(row, field_name, ROW_ERROR_MESSAGES[code] % params, code, params)


def _fold(text: str) -> str:
    """Comparison form: ASCII, lower case, words only."""
    return " ".join(re.findall(r"[a-z0-9]+", anyascii(text).lower()))


def _shown(value: str) -> str:
    """A cell value quoted in a message, cut short so one bad cell cannot flood the page."""
    return value if len(value) <= 60 else value[:57] + "..."


class _RowCleaner:
    """Cleans one row, collecting every error instead of stopping at the first."""

    def __init__(self, row_number: int, values: dict[str, str]) -> None:
        self.row_number = row_number
        self.values = values
        self.errors: list[RowError] = []
        self.notes: list[RowNote] = []

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    def as_written(self, error: RowError) -> RowError:
        """``error`` with the row's name, address and country as the file gave them (invisible
        and control characters removed, so what is shown is what can be seen)."""
        address = _join_address(self.get("address"), self.get("city"), self.get("postal_code"))
        return dataclasses.replace(
            error,
            name=normalize_text(self.get("name"))[:MAX_NAME_LENGTH],
            address=normalize_text(address)[:MAX_TEXT_LENGTH],
            country=normalize_text(self.get("country"))[:60],
        )

    def error(self, field_name: str, code: str, **params: str | int) -> None:
        self.errors.append(_row_error(self.row_number, field_name, code, **params))

    def clean(self, raw: dict[str, str]) -> CleanRow | None:
        name = self.checked("name", self.get("name"), MAX_NAME_LENGTH)
        city, postal_code = self.text("city"), self.text("postal_code")
        address = self.address(city, postal_code)
        lat, lng = self.coordinates()
        start, end = self.dates()
        row = CleanRow(
            row_number=self.row_number,
            name=name,
            address=address,
            country=self.country(),
            reference=self.text("reference"),
            tier=self.tier(),
            products=_split_products(self.get("products")),
            spend_band=self.spend_band(),
            volume=self.text("volume"),
            sector=self.text("sector"),
            lat=lat,
            lng=lng,
            identifiers=self.identifiers(),
            start_date=start,
            end_date=end,
            parent_company=self.text("parent_company", MAX_NAME_LENGTH),
            city=city,
            postal_code=postal_code,
            raw=raw,
            notes=tuple(self.notes),
        )
        if not name and not any(error.field == "name" for error in self.errors):
            self.error("name", "missing_name")
        return None if self.errors else row

    def text(self, name: str, limit: int = MAX_TEXT_LENGTH) -> str:
        raw = self.get(name)
        # Any cell may be written back to a spreadsheet by a download, so a formula is refused
        # in every text column, not only in the name and address.
        if _FORMULA.match(raw.lstrip(" \t\r\n")):
            self.error(name, "formula", label=FIELD_LABELS[name].lower(), value=_shown(normalize_text(raw)))
            return ""
        value = normalize_text(raw)
        if len(value) > limit:
            self.error(name, "too_long", label=FIELD_LABELS[name].lower(), limit=limit)
        return value

    def checked(self, name: str, value: str, limit: int) -> str:
        """A name or address: junk is an error, repairable mojibake is repaired with a note."""
        label = FIELD_LABELS[name].lower()
        result = check_text(value, name=name == "name")
        if result.problem in {"formula", "no_letters", "garbled_text"}:
            self.error(name, result.problem, label=label, value=_shown(result.text))
        elif result.problem:
            self.error(name, result.problem, label=label)
        elif result.repaired:
            params: dict[str, str | int] = {"row": self.row_number, "label": label, "value": _shown(result.text)}
            message = ROW_ERROR_MESSAGES["repaired_text"] % params
            self.notes.append(RowNote(self.row_number, name, message, "repaired_text", params))
        if len(result.text) > limit:
            self.error(name, "too_long", label=label, limit=limit)
        return "" if result.problem else result.text

    def address(self, city: str, postal_code: str) -> str:
        # The city and postal code (each already refused if a formula, which would otherwise
        # hide after the address's first part) are checked as part of the address they join.
        joined = _join_address(self.get("address"), city, postal_code)
        return self.checked("address", joined, MAX_TEXT_LENGTH)

    def country(self) -> str:
        value = self.get("country")
        if not value:
            self.error("country", "missing_country")
            return ""
        candidates = country_candidates(value)
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            self.error("country", "ambiguous_country", value=_shown(value), codes=", ".join(candidates))
        else:
            self.error("country", "unknown_country", value=_shown(value))
        return ""

    def tier(self) -> int:
        value = self.get("tier")
        if not value:
            return 1
        tier = _parse_tier(value)
        if tier is None:
            self.error("tier", "invalid_tier", value=_shown(value))
            return 1
        return tier

    def spend_band(self) -> str:
        value = self.get("spend_band")
        if not value:
            return ""
        band = parse_spend_band(value)
        if band is None:
            self.error("spend_band", "invalid_spend_band", value=_shown(value))
            return ""
        return band

    def coordinates(self) -> tuple[float | None, float | None]:
        lat = self.coordinate("lat", 90)
        lng = self.coordinate("lng", 180)
        if lat == 0 and lng == 0:
            return None, None  # exports write 0,0 for "unknown"; nobody makes clothes at sea off Ghana
        already_wrong = any(error.field in {"lat", "lng"} for error in self.errors)
        if (lat is None) != (lng is None) and not already_wrong:
            self.error("lat" if lat is None else "lng", "incomplete_coordinates")
        return lat, lng

    def coordinate(self, name: str, limit: int) -> float | None:
        value = self.get(name)
        if not value:
            return None
        number = _parse_degrees(value)
        if number is None:
            self.error(name, f"invalid_{name}", value=_shown(value))
        elif not -limit <= number <= limit:
            self.error(name, f"{name}_out_of_range", value=_shown(value))
            return None
        return number

    def identifiers(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for scheme in ("duns", "lei", "gln", "os_id"):
            value = self.get(scheme)
            if not value:
                continue
            normalized = normalize_identifier(scheme, value)
            if normalized is None:
                self.error(scheme, f"invalid_{scheme}", value=_shown(value))
            else:
                found[scheme] = normalized
        return found

    def dates(self) -> tuple[date | None, date | None]:
        start = self.date("start_date", end_of_year=False)
        end = self.date("end_date", end_of_year=True)
        if start and end and end < start:
            self.error("end_date", "end_before_start")
        return start, end

    def date(self, name: str, *, end_of_year: bool) -> date | None:
        value = self.get(name)
        if not value:
            return None
        parsed = _parse_date(value, end_of_year=end_of_year)
        if parsed is None:
            self.error(name, f"invalid_{name}", value=_shown(value))
        return parsed


def _join_address(address: str, city: str, postal_code: str) -> str:
    """ "12 Road 3, Savar" + "Dhaka" + "1349" -> "12 Road 3, Savar, Dhaka 1349", without repeating parts."""
    address = ", ".join(part for part in (" ".join(line.split()) for line in address.splitlines()) if part)
    address = re.sub(r"\s*,[\s,]*", ", ", address).strip(", ")
    present = f" {_fold(address)} "
    extra = [" ".join(part.split()) for part in (city, postal_code) if part and f" {_fold(part)} " not in present]
    locality = " ".join(part for part in extra if part)
    return ", ".join(part for part in (address, locality) if part)


def _split_products(value: str) -> tuple[str, ...]:
    products: list[str] = []
    for part in re.split(r"[;,/|\n]", value):
        product = normalize_text(part)
        if product and product.casefold() not in (known.casefold() for known in products):
            products.append(product)
    return tuple(products)


_TIER = re.compile(r"(?:tier|t|schakel|ketenschakel|level|niveau|rang)?\s*[-_:#]?\s*(\d+)(?:[.,]0+)?", re.I)


def _parse_tier(value: str) -> int | None:
    match = _TIER.fullmatch(re.sub(r"\([^)]*\)", "", value).strip())
    if not match:
        return None
    tier = int(match.group(1))
    return tier if 1 <= tier <= 10 else None


_DEGREES = re.compile(r"([-+]?)(\d{1,3}(?:\.\d+)?)")
_HEMISPHERES = {"N": 1, "E": 1, "O": 1, "S": -1, "W": -1, "Z": -1}  # O and Z: Dutch oost and zuid


def _parse_degrees(value: str) -> float | None:
    """Decimal degrees, also with a decimal comma, a degree sign or a hemisphere letter."""
    text = value.strip().upper().replace("°", "").replace(" ", "")
    sign = 1
    for letter, factor in _HEMISPHERES.items():
        if text.endswith(letter) or text.startswith(letter):
            text, sign = text.strip(letter), factor
            break
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    match = _DEGREES.fullmatch(text)
    if not match:
        return None
    number = float(match.group(2)) * sign
    return -number if match.group(1) == "-" else number


# --------------------------------------------------------------------------- spend

_SPEND_UNITS = {
    "k": 1e3, "thousand": 1e3, "duizend": 1e3, "dzd": 1e3,
    "m": 1e6, "mln": 1e6, "mio": 1e6, "mil": 1e6, "million": 1e6, "millions": 1e6, "miljoen": 1e6,
    "bn": 1e9, "b": 1e9, "mld": 1e9, "miljard": 1e9, "billion": 1e9,
}  # fmt: skip
_AMOUNT = re.compile(
    r"(\d+(?:[.,' \u00a0\u202f]\d+)*)\s*(" + "|".join(sorted(_SPEND_UNITS, key=len, reverse=True)) + r")?(?![a-z])",
    re.IGNORECASE,
)
_CURRENCY = re.compile(r"€|\$|£|¥|\b(?:eur|euro|euros|usd|gbp|dollar|dollars)\b|[.,]-(?!\d)", re.IGNORECASE)
_BELOW = re.compile(
    r"^(?:<|≤|=<|less than|under|below|up to|upto|max(?:imum|imaal)?|minder dan|tot|kleiner dan|onder)", re.I
)
_ABOVE = re.compile(r"^(?:>|≥|>=|more than|over|above|meer dan|boven|groter dan|vanaf|from|min(?:imum)?)|\+$", re.I)


def parse_spend_band(value: str) -> str | None:
    """One of :data:`SPEND_BANDS` for a band, a range or an amount; None if not understood.

    Bands include their lower bound: 10,000 is "10k-100k" and 1,000,000 is ">1M".
    A range falls in the band of its midpoint; "<X" counts as just under X, ">X" as X.
    """
    text = _CURRENCY.sub(" ", value).strip()
    amounts = [(_to_number(digits, bool(unit)), unit.lower()) for digits, unit in _AMOUNT.findall(text)]
    if not amounts or len(amounts) > 2 or not _only_hedges(_AMOUNT.sub(" ", text)):
        return None
    numbers = _scaled(amounts)
    if len(numbers) == 2:
        amount = sum(numbers) / 2
    elif _BELOW.search(text):
        amount = numbers[0] - 0.01
    else:
        amount = numbers[0]
    return _band(amount) if amount >= 0 and not text.startswith("-") else None


_HEDGES = re.compile(
    r"less than|up to|minder dan|kleiner dan|meer dan|groter dan|more than|\b(?:under|below|upto|max|maximum|"
    r"maximaal|tot|onder|over|above|boven|vanaf|from|to|and|en|min|minimum|per|year|jaar|annual|p|a|y)\b",
    re.IGNORECASE,
)


def _only_hedges(remainder: str) -> bool:
    """Whether all that is left besides the amounts is "less than", "per year", "-" and the like."""
    return not _HEDGES.sub(" ", remainder).strip(" -–—<>≤≥=+/.~")


def _scaled(amounts: Sequence[tuple[float, str]]) -> list[float]:
    numbers = [(number, _SPEND_UNITS.get(unit, 1.0)) for number, unit in amounts]
    if len(numbers) == 2 and not amounts[0][1] and amounts[1][1] and numbers[0][0] < numbers[1][0]:
        numbers[0] = (numbers[0][0], numbers[1][1])  # "10-100k" means 10k to 100k
    return [number * factor for number, factor in numbers]


def _to_number(digits: str, has_unit: bool) -> float:
    """Read "50.000", "50,000", "1.234.567,89", "1.5" and "1,5" the way people mean them."""
    text = re.sub(r"[' \u00a0\u202f]", "", digits)
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        text = text.replace(thousands, "").replace(decimal, ".")
    elif "," in text or "." in text:
        separator = "," if "," in text else "."
        parts = text.split(separator)
        thousands_grouping = len(parts) > 2 or (len(parts[-1]) == 3 and not has_unit)
        text = "".join(parts) if thousands_grouping else ".".join(parts)
    return float(text)


def _band(amount: float) -> str:
    if amount < 10_000:
        return "<10k"
    if amount < 100_000:
        return "10k-100k"
    if amount < 1_000_000:
        return "100k-1M"
    return ">1M"


# --------------------------------------------------------------------------- identifiers and dates


def normalize_identifier(scheme: str, value: str) -> str | None:
    """The canonical form of a "duns", "lei", "gln" or "os_id" value, or None if it is not valid.

    DUNS and GLN numbers that lost their leading zeros in a spreadsheet number cell
    (8 or 7 digits, 12 digits) are padded back. Check digits are python-stdnum's; the
    shapes are checked here (ASCII digits only), as stdnum's LEI module checks the digits
    alone and its EAN module also takes 8-, 12- and 14-digit codes, which are not GLNs.
    """
    text = re.sub(r"[\s\-.]", "", value).upper()
    if scheme == "duns":
        # DUNS numbers carry no check digit.
        return text.zfill(9) if re.fullmatch(r"[0-9]{7,9}", text) else None
    if scheme == "lei":
        return text if re.fullmatch(r"[0-9A-Z]{18}[0-9]{2}", text) and stdnum.lei.is_valid(text) else None
    if scheme == "gln":
        text = text.zfill(13) if re.fullmatch(r"[0-9]{12}", text) else text
        return text if re.fullmatch(r"[0-9]{13}", text) and stdnum.ean.is_valid(text) else None
    if scheme == "os_id":
        return text if re.fullmatch(r"[A-Z]{2}[0-9]{7}[0-9A-Z]{6}", text) else None
    raise ValueError(f"unknown identifier scheme {scheme!r}")


class _ListDateInfo(dateutil_parser.parserinfo):
    """What dateutil needs to read our members' dates: English and Dutch month names, and
    no guessing of the century, so that a two-digit year (ambiguous in "01/02/03") stays
    out of range and is refused."""

    MONTHS = [
        ("Jan", "January", "januari"),
        ("Feb", "February", "februari"),
        ("Mar", "March", "maart", "mrt"),  # type: ignore[list-item]  # the stubs stop at three names
        ("Apr", "April"),
        ("May", "mei"),
        ("Jun", "June", "juni"),
        ("Jul", "July", "juli"),
        ("Aug", "August", "augustus"),
        ("Sep", "Sept", "September"),
        ("Oct", "October", "okt", "oktober"),  # type: ignore[list-item]
        ("Nov", "November"),
        ("Dec", "December"),
    ]

    def convertyear(self, year: int, century_specified: bool = False) -> int:
        return year


_DATE_PARSER = dateutil_parser.parser(_ListDateInfo(dayfirst=True))
# dateutil fills what a text leaves out from a default: year 1 is out of our range, so a
# text without a year is refused; day 1 is what "maart 2021" means here. A second
# default with another month tells a text without a month (kept from being 1 January).
_DEFAULT = datetime(1, 1, 1)
_OTHER_MONTH = datetime(1, 2, 1)
_YEAR_FIRST = re.compile(r"\d{4}\D")
# The time of day after a date ("2023-01-31 10:20:30", "31.1.2023 10.20", "... 10:30 AM"),
# dropped before parsing: only the date is kept, and dateutil reads dotted times as dates.
_TIME_OF_DAY = re.compile(r"[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:[.,]\d+)?)?(?:\s*[ap]\.?m\.?)?$", re.IGNORECASE)


# A list repeats its dates (one contract start for many sites), and dateutil is slow beside a regex.
@lru_cache(maxsize=4096)
def _parse_date(value: str, *, end_of_year: bool = False) -> date | None:
    """ISO, day-first (dd-mm-yyyy, dd/mm/yyyy, dd.mm.yyyy), "5 March 2021", "maart 2021" or a bare year.

    Day-first because the members are European; "03/31/2021" is read month-first only
    because it cannot be day-first. A bare year means 1 January (31 December for an end);
    a month without a day means its first day. Years run from 1900 to 2100, written in full.
    """
    text = _TIME_OF_DAY.sub("", value.strip()).strip()
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        if not 1900 <= year < 2100:
            return None
        return date(year, 12, 31) if end_of_year else date(year, 1, 1)
    # dateutil reads day-first even after a leading year ("2023-01-02" as 1 February): only
    # ask for it when the year does not come first.
    day_first = _YEAR_FIRST.match(text) is None
    try:
        parsed = _DATE_PARSER.parse(text, default=_DEFAULT, dayfirst=day_first)
        if parsed.month == 1:
            without_month = _DATE_PARSER.parse(text, default=_OTHER_MONTH, dayfirst=day_first)
            if without_month.month != 1:
                return None
    except (ValueError, OverflowError):
        return None
    # dateutil takes numbers it cannot place as a time or an offset ("01-02-2023 - 05-06-2024")
    # or drops their fractions ("1.5 2021"): a reading must account for every number written.
    numbers = Counter(int(number) for number in re.findall(r"\d+", text))
    if numbers - Counter((parsed.day, parsed.month, parsed.year)) or parsed.tzinfo is not None:
        return None
    return parsed.date() if 1900 <= parsed.year <= 2100 else None
