"""Normalisation of facility names and addresses in many languages and scripts.

Everything is folded to lower-case ASCII tokens so that a supplier list written in
Vietnamese with diacritics, in Chinese characters or in a casual English
romanisation compares against the same canonical form:

1. Unicode NFKC (full-width digits, circled or parenthesised ideographs such as
   ``㈱``, ligatures).
2. Local-script morphemes that carry no identity (legal forms such as
   ``有限公司``, ``ООО``, ``บริษัท``) are removed *before* transliteration, and
   address morphemes (``路``, ``号``, ``镇``...) are replaced by their canonical
   ASCII token, because after transliteration they would melt into the
   neighbouring syllables (``DongGuanShiHouJieZhen``).
3. Transliteration with anyascii (ISC licence) for every other script.
4. Punctuation and dotted abbreviations (``S.A. de C.V.`` -> ``sa de cv``).
5. Token level: legal forms are dropped, abbreviations are expanded to a
   canonical spelling, numbers are kept (ordinals and number words become
   digits, leading zeros go) because house and plot numbers are strong evidence.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

__all__ = [
    "ADDRESS_GENERIC",
    "NAME_GENERIC",
    "address_tokens",
    "fold",
    "name_tokens",
]

# ---------------------------------------------------------------------------
# Local-script morphemes, applied before transliteration.
# A value of "" deletes the morpheme (legal form); otherwise the morpheme is
# replaced by the canonical ASCII token(s) surrounded by spaces.
# ---------------------------------------------------------------------------
_LOCAL_NAME_MORPHEMES: dict[str, str] = {
    # Chinese (simplified and traditional)
    "股份有限公司": "",
    "有限责任公司": "",
    "有限責任公司": "",
    "有限公司": "",
    "总公司": "",
    "分公司": " branch ",
    "分厂": " branch factory ",
    "分廠": " branch factory ",
    "工場": " plant ",
    "支店": " branch ",
    "公司": "",
    "集团": " group ",
    "集團": " group ",
    "服装": " garment ",
    "服裝": " garment ",
    "制衣": " garment ",
    "製衣": " garment ",
    "纺织": " textile ",
    "紡織": " textile ",
    "针织": " knit ",
    "針織": " knit ",
    "鞋业": " shoe ",
    "鞋業": " shoe ",
    "实业": " industries ",
    "實業": " industries ",
    "工业": " industries ",
    "工業": " industries ",
    "国际": " international ",
    "國際": " international ",
    "贸易": " trading ",
    "貿易": " trading ",
    "进出口": " import export ",
    "進出口": " import export ",
    "制造": " manufacturing ",
    "製造": " manufacturing ",
    "工厂": " factory ",
    "工廠": " factory ",
    "厂": " factory ",
    "廠": " factory ",
    # Administrative prefixes of Chinese company names ("深圳市...") are written
    # as a separate word in romanised names ("Shenzhen ...").
    "市": " ",
    "省": " ",
    "县": " ",
    "縣": " ",
    # Japanese
    "株式会社": "",
    "有限会社": "",
    "合同会社": "",
    "(株)": "",
    "（株）": "",
    # Korean
    "공장": " plant ",
    "지점": " branch ",
    "주식회사": "",
    "유한회사": "",
    "유한책임회사": "",
    "(주)": "",
    # Thai
    "บริษัท": "",
    "ห้างหุ้นส่วนจำกัด": "",
    "จำกัด": "",
    "(มหาชน)": "",
    "มหาชน": "",
    "สาขาที่": " branch ",
    "สาขา": " branch ",
    # Cyrillic (Russian, Ukrainian, Bulgarian...)
    "Общество с ограниченной ответственностью": "",
    "Акционерное общество": "",
    "Публичное акционерное общество": "",
    "Закрытое акционерное общество": "",
    "Открытое акционерное общество": "",
    "ООО": "",
    "ОАО": "",
    "ЗАО": "",
    "ПАО": "",
    "АО": "",
    "ИП": "",
    "филиал": " branch ",
    "Филиал": " branch ",
    "філія": " branch ",
    "Філія": " branch ",
    "ТОВ": "",
    "ПАТ": "",
    "ПрАТ": "",
    "ЕООД": "",
    "ООД": "",
    "ЕАД": "",
    "АД": "",
    # Arabic
    "ذات المسؤولية المحدودة": "",
    "ذ.م.م": "",
    "ش.م.م": "",
    "ش.م.ع": "",
    "المحدودة": "",
    "شركة": "",
    "مؤسسة": "",
    "مصنع": " factory ",
    "فرع": " branch ",
    # Hebrew
    'בע"מ': "",
    "בע״מ": "",
    # Devanagari (Hindi, Marathi)
    "प्राइवेट लिमिटेड": "",
    "प्रा. लि.": "",
    "लिमिटेड": "",
    "यूनिट": " unit ",
    # Bengali
    "প্রাইভেট লিমিটেড": "",
    "লিমিটেড": "",
    "ইউনিট": " unit ",
    "শাখা": " branch ",
    # Khmer
    "ក្រុមហ៊ុន": "",
    "ឯ.ក": "",
    "រោងចក្រទី": " factory ",
    "រោងចក្រ": " factory ",
    # Burmese
    "ကုမ္ပဏီ": "",
    "လီမိတက်": "",
    "စက်ရုံ": " factory ",
    # Amharic "number" (a site qualifier: "... PLC ቁጥር 2")
    "ቁጥር": " no ",
}

_LOCAL_ADDRESS_MORPHEMES: dict[str, str] = {
    "工业园区": " industrial park ",
    "工業園區": " industrial park ",
    "工业园": " industrial park ",
    "工業園": " industrial park ",
    "工业区": " industrial zone ",
    "工業區": " industrial zone ",
    "开发区": " development zone ",
    "開發區": " development zone ",
    "自治区": " province ",
    "号楼": " building ",
    "號樓": " building ",
    "大道": " avenue ",
    "大厦": " building ",
    "大廈": " building ",
    "路": " road ",
    "街道": " subdistrict ",
    "巷": " lane ",
    "弄": " lane ",
    "号": " ",
    "號": " ",
    "镇": " town ",
    "鎮": " town ",
    "乡": " township ",
    "鄉": " township ",
    "村": " village ",
    "区": " district ",
    "區": " district ",
    "县": " county ",
    "縣": " county ",
    "市": " city ",
    "省": " province ",
    "栋": " building ",
    "棟": " building ",
    "幢": " building ",
    "楼": " floor ",
    "樓": " floor ",
    "层": " floor ",
    "層": " floor ",
    "室": " room ",
    # Japanese
    "丁目": " ",
    "番地": " ",
    "都": " prefecture ",
    "県": " prefecture ",
    # Korean
    "특별시": " city ",
    "광역시": " city ",
    # Thai
    "ถนน": " road ",
    "ซอย": " lane ",
    "หมู่": " moo ",
    "ตำบล": " subdistrict ",
    "อำเภอ": " district ",
    "จังหวัด": " province ",
    # Cyrillic
    "улица": " street ",
    "ул.": " street ",
    "проспект": " avenue ",
    "пр-т": " avenue ",
    "дом": " ",
    "д.": " ",
    "область": " province ",
    "обл.": " province ",
    "город": " city ",
    "г.": " city ",
    # Arabic
    "شارع": " street ",
    "المنطقة الصناعية": " industrial zone ",
}


def _nfkc_keys(table: dict[str, str]) -> dict[str, str]:
    # Keys must be compared after NFKC: Thai SARA AM, for one, decomposes.
    return {unicodedata.normalize("NFKC", k): v for k, v in table.items()}


_LOCAL_NAME_MORPHEMES = _nfkc_keys(_LOCAL_NAME_MORPHEMES)
_LOCAL_ADDRESS_MORPHEMES = _nfkc_keys(_LOCAL_ADDRESS_MORPHEMES)


_UNSPACED_SCRIPTS_RE = re.compile(
    r"[\u0e00-\u0e7f\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)


def _morpheme_regex(table: dict[str, str]) -> re.Pattern[str]:
    parts = []
    for key in sorted(table, key=len, reverse=True):
        if _UNSPACED_SCRIPTS_RE.search(key):
            # Chinese, Japanese, Korean and Thai write words without spaces.
            parts.append(re.escape(key))
        else:
            # Elsewhere a morpheme is a whole word: "АД" must not eat "НАДЕЖДА".
            parts.append(r"(?<!\w)" + re.escape(key) + r"(?!\w)")
    return re.compile("|".join(parts))


_NAME_MORPH_RE = _morpheme_regex(_LOCAL_NAME_MORPHEMES)
_ADDR_MORPH_RE = _morpheme_regex({**_LOCAL_NAME_MORPHEMES, **_LOCAL_ADDRESS_MORPHEMES})
_ADDR_MORPH_TABLE = {**_LOCAL_NAME_MORPHEMES, **_LOCAL_ADDRESS_MORPHEMES}
# Han, kana and hangul runs have no spaces between words: isolate them so that
# the transliteration of a run stays one token and never glues onto Latin text.
_CJK_RUN_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_APOSTROPHES_RE = re.compile(r"['`\u2019\u2018\u02bc\u00b4]")
_DOTTED_ABBR_RE = re.compile(r"\b(?:[a-z]\.)+[a-z]\b\.?")
_ORDINAL_RE = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")
_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+")
_ALPHA_DIGIT_RE = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")
# "M/S" (messrs) prefixes Indian and Bangladeshi supplier names.
_MESSRS_RE = re.compile(r"^\s*m\s*/\s*s\.?\s+")


# Site numbers written in CJK: "二厂" (plant 2), "第2工場", "제2공장". Converted before
# the morphemes so that the number survives as a digit token ("factory 2").
_CJK_DIGITS = {"一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CJK_SITE_NO_RE = re.compile(
    r"(?:第|제)?\s*([一二两兩三四五六七八九十]{1,3}|\d{1,3})\s*(?:分厂|分廠|工厂|工廠|工場|厂|廠|공장)"
)


def _cjk_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = _CJK_DIGITS.get(tens, 0) if tens else 1
        o = _CJK_DIGITS.get(ones, 0) if ones else 0
        return 10 * t + o if (not tens or tens in _CJK_DIGITS) and (not ones or ones in _CJK_DIGITS) else None
    if len(text) == 1:
        return _CJK_DIGITS.get(text)
    return None


def _site_number(m: re.Match[str]) -> str:
    n = _cjk_number(m.group(1))
    return m.group(0) if n is None else f" factory {n} "


def _replace_morphemes(text: str, regex: re.Pattern[str], table: dict[str, str]) -> str:
    return regex.sub(lambda m: table[m.group(0)] or " ", text)


@lru_cache(maxsize=65536)
def _fold_cached(text: str, address: bool) -> str:
    return _fold(text, address)


def _fold(text: str, address: bool) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        if address:
            text = _replace_morphemes(text, _ADDR_MORPH_RE, _ADDR_MORPH_TABLE)
        else:
            text = _CJK_SITE_NO_RE.sub(_site_number, text)
            text = _replace_morphemes(text, _NAME_MORPH_RE, _LOCAL_NAME_MORPHEMES)
        text = _CJK_RUN_RE.sub(lambda m: " " + m.group(0) + " ", text)
        text = anyascii(text)
    text = text.lower()
    text = _APOSTROPHES_RE.sub("", text)
    text = _MESSRS_RE.sub(" ", text)
    text = _DOTTED_ABBR_RE.sub(lambda m: m.group(0).replace(".", ""), text)
    text = _ORDINAL_RE.sub(r"\1", text)
    text = _NON_ALNUM_RE.sub(" ", text)
    text = _ALPHA_DIGIT_RE.sub(" ", text)
    return text


def fold(text: str, *, address: bool = False) -> str:
    """Fold ``text`` to lower-case ASCII words separated by single spaces.

    Local-script legal forms are dropped and (with ``address=True``) local-script
    address morphemes are replaced by canonical tokens; no token-level rules are
    applied here.
    """
    if not text:
        return ""
    # Names and addresses repeat a lot across lists; very long cells do not.
    folded = _fold_cached(text, address) if len(text) < 200 else _fold(text, address)
    return " ".join(folded.split())


# ---------------------------------------------------------------------------
# Token rules
# ---------------------------------------------------------------------------
_NUMBER_WORDS: dict[str, str] = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "first": "1",
    "second": "2",
    "third": "3",
    "fourth": "4",
    "fifth": "5",
    "sixth": "6",
    "seventh": "7",
    "eighth": "8",
    "ninth": "9",
    "tenth": "10",
    # Roman numerals used for plants and phases ("Unit II", "Phase III").
    # "i", "v" and "x" are left alone: too often initials.
    "ii": "2",
    "iii": "3",
    "iv": "4",
    "vi": "6",
    "vii": "7",
    "viii": "8",
    "ix": "9",
}

# Legal forms as token sequences (after folding). Dropped wherever they occur.
_LEGAL_FORMS_TEXT = """
co ltd|co limited|company limited|company ltd|co pvt ltd|private limited|pvt ltd|pvt
limited|ltd|ltda|limitada|co|company|corp|corporation|inc|incorporated|llc|l l c|llp|lp
plc|pcl|public company limited|public co ltd|holdings ltd
pt|tbk|pt tbk|persero|cv|ud|sdn bhd|sdn|bhd|berhad|jsc|jsco|ojsc|cjsc|joint stock company
joint stock co|ooo|oao|zao|pao|tov|obshchestvo s ogranichennoi otvetstvennostiu
obshchestvo s ogranichennoy otvetstvennostyu|aktsionernoe obshchestvo
gmbh|gmbh co kg|gmbh und co kg|mbh|ag|kg|kgaa|ohg|ug|ek|gbr
sa|sa de cv|s de rl de cv|s de rl|sab de cv|sapi de cv|sas|sasu|sarl|eurl|snc|sci|sca
srl|srls|spa|sapa|sl|slu|sau|bv|nv|bvba|vof|cv|eireli|epp|me|cia|y cia
ab|asa|oy|oyj|aps|a s|hf|ehf|kft|zrt|nyrt|bt|kkt|sro|s r o|sp z o o|sp z oo|spzoo|sp k|sk
ae|epe|ike|ood|eood|ad|ead|dd|doo|d o o
as|san ve tic ltd sti|san ve tic as|san ve tic|sanayi ve ticaret|san tic|ltd sti|sti
cong ty tnhh|cong ty co phan|cong ty cp|cong ty|cty tnhh|cty cp|cty|tnhh mtv|tnhh|mtv
co phan|ctcp
kabushiki kaisha|kk|yugen kaisha|godo kaisha
s a|s a de c v|s de r l de c v|s de r l|s r l|s p a|s a s|s l|b v|n v|s a r l|l t d
"""
_LEGAL_FORMS: frozenset[tuple[str, ...]] = frozenset(
    tuple(form.split()) for line in _LEGAL_FORMS_TEXT.strip().splitlines() for form in line.split("|") if form.strip()
)
_LEGAL_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _form in sorted(_LEGAL_FORMS, key=len, reverse=True):
    _LEGAL_BY_FIRST.setdefault(_form[0], []).append(_form)

_NAME_STOPWORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "und",
        "et",
        "y",
        "e",
        "de",
        "del",
        "la",
        "le",
        "les",
        "des",
        "du",
        "da",
        "do",
        "dos",
        "das",
        "van",
        "der",
        "den",
        "von",
        "di",
        "ve",
        "for",
        # number markers of site qualifiers ("Factory No. 2", "Zakład nr 2")
        "no",
        "nr",
        "nro",
    ]
)

# Spelling variants of name words mapped to one canonical spelling.
_NAME_CANON: dict[str, str] = {
    "intl": "international",
    "int": "international",
    "internacional": "international",
    "mfg": "manufacturing",
    "mfr": "manufacturing",
    "mfrs": "manufacturing",
    "manufacturer": "manufacturing",
    "manufacturers": "manufacturing",
    "manufacture": "manufacturing",
    "manufactory": "manufacturing",
    "ind": "industries",
    "inds": "industries",
    # Short forms members use (see "abbreviations" in covenant/demo/wordlists/data/noise.json).
    "tex": "textile",
    "trdg": "trading",
    "prods": "product",
    "prod": "product",
    "exp": "export",
    "spg": "spinning",
    "coop": "cooperative",
    "cooperativa": "cooperative",
    "cooperatives": "cooperative",
    "industry": "industries",
    "industrial": "industries",
    "industrie": "industries",
    "industria": "industries",
    "industrias": "industries",
    "sanayi": "industries",
    "garments": "garment",
    "garmen": "garment",
    "garmets": "garment",
    "textiles": "textile",
    "textil": "textile",
    "tekstil": "textile",
    "textiel": "textile",
    "textille": "textile",
    "apparels": "apparel",
    "fashions": "fashion",
    "exports": "export",
    "exporters": "export",
    "exporter": "export",
    "imports": "import",
    "enterprises": "enterprise",
    "mills": "mill",
    "products": "product",
    "shoes": "shoe",
    "fty": "factory",
    "factories": "factory",
    "knitting": "knit",
    "knits": "knit",
    "knitters": "knit",
    "knitwears": "knitwear",
    "accessory": "accessories",
    "designs": "design",
    "sweaters": "sweater",
    "trade": "trading",
    "traders": "trading",
    "ticaret": "trading",
    "tic": "trading",
    "san": "industries",
    "dis": "foreign",
    "ihracat": "export",
    "ithalat": "import",
    "konfeksiyon": "garment",
    "confecciones": "garment",
    "confeccoes": "garment",
    "confection": "garment",
    "confezioni": "garment",
    # Site qualifiers in other languages ("Filial 2", "Çerkezköy Şubesi", "Usine 2").
    "filial": "branch",
    "filiale": "branch",
    "filiya": "branch",
    "sucursal": "branch",
    "subesi": "branch",
    "sube": "branch",
    "cawangan": "branch",
    "usine": "factory",
    "fabrica": "factory",
    "fabrika": "factory",
    "kilang": "factory",
    "werk": "plant",
    "stabilimento": "plant",
    "planta": "plant",
    "zaklad": "plant",
    "nha": "factory",
}

# Generic words of the garment / manufacturing sector. They keep a place in the
# name but weigh much less than distinctive words (on top of the IDF learned
# from the register, which is weak on a small register).
NAME_GENERIC: frozenset[str] = frozenset(
    [
        "garment",
        "apparel",
        "textile",
        "manufacturing",
        "industries",
        "factory",
        "mill",
        "group",
        "international",
        "trading",
        "export",
        "import",
        "impex",
        "exim",
        "overseas",
        "global",
        "enterprise",
        "knit",
        "knitwear",
        "fashion",
        "clothing",
        "clothes",
        "wear",
        "dyeing",
        "dyeing",
        "printing",
        "printers",
        "washing",
        "spinning",
        "weaving",
        "composite",
        "denim",
        "sweater",
        "shoe",
        "footwear",
        "leather",
        "accessories",
        "product",
        "design",
        "sourcing",
        "unit",
        "division",
        "plant",
        "branch",
        "fabric",
        "fabrics",
        "yarn",
        "fibre",
        "fiber",
        "socks",
        "hosiery",
        "home",
        "giyim",
        "maquila",
        "maquiladora",
        "busana",
        "may",
        "mac",
        "det",
        "nhuom",
        "sewing",
        "stitching",
        "embroidery",
        "limited",
        "holding",
        "holdings",
        "foreign",
        "china",
        "vietnam",
        "india",
        "bangladesh",
        "cambodia",
        "indonesia",
        "pakistan",
        "turkey",
        "bd",
        "viet",
        "nam",
        "sri",
        "lanka",
        "hk",
        "hong",
        "kong",
        "usa",
        "uk",
        "new",
        "best",
        "good",
        "star",
        "golden",
        "royal",
        "united",
    ]
)

# Address words: canonical spelling for abbreviations and local-language terms.
_ADDR_CANON: dict[str, str] = {
    "st": "street",
    "str": "street",
    "strasse": "street",
    "stra": "street",
    "street": "street",
    "duong": "street",
    "sokak": "street",
    "sokagi": "street",
    "sok": "street",
    "sk": "street",
    "calle": "street",
    "rue": "street",
    "ulitsa": "street",
    "ul": "street",
    "ulica": "street",
    "rd": "road",
    "road": "road",
    "marg": "road",
    "thanon": "road",
    "raod": "road",
    "ave": "avenue",
    "av": "avenue",
    "avda": "avenue",
    "avenida": "avenue",
    "avenue": "avenue",
    "cad": "avenue",
    "cd": "avenue",
    "caddesi": "avenue",
    "cadde": "avenue",
    "prospekt": "avenue",
    "blvd": "boulevard",
    "bulvari": "boulevard",
    "blv": "boulevard",
    "ln": "lane",
    "lane": "lane",
    "gali": "lane",
    "soi": "lane",
    "hem": "lane",
    "hwy": "highway",
    "hw": "highway",
    "highway": "highway",
    "carretera": "highway",
    "carr": "highway",
    "quoc": "national",
    "lo": "lot",
    "lote": "lot",
    "jl": "jalan",
    "jln": "jalan",
    "jalan": "jalan",
    "bldg": "building",
    "bld": "building",
    "edificio": "building",
    "edif": "building",
    "toa": "building",
    "nha": "building",
    "fl": "floor",
    "flr": "floor",
    "f": "floor",
    "kat": "floor",
    "lau": "floor",
    "rm": "room",
    "blk": "block",
    "blok": "block",
    "ind": "industrial",
    "indl": "industrial",
    "industry": "industrial",
    "industries": "industrial",
    "industri": "industrial",
    "sanayi": "industrial",
    "industrial": "industrial",
    "est": "estate",
    "estate": "estate",
    "pk": "park",
    "z": "zone",
    "zona": "zone",
    "bolgesi": "zone",
    "dist": "district",
    "distt": "district",
    "district": "district",
    "quan": "district",
    "huyen": "district",
    "kec": "district",
    "kecamatan": "district",
    "ilce": "district",
    "khan": "district",
    "amphoe": "district",
    "amphur": "district",
    "tehsil": "district",
    "taluk": "district",
    "tal": "district",
    "upazila": "district",
    "thana": "district",
    "kab": "regency",
    "kabupaten": "regency",
    "regency": "regency",
    "prov": "province",
    "province": "province",
    "tinh": "province",
    "provinsi": "province",
    "changwat": "province",
    "pradesh": "province",
    "vill": "village",
    "vlg": "village",
    "vil": "village",
    "village": "village",
    "desa": "village",
    "ds": "village",
    "xa": "village",
    "thon": "village",
    "ap": "village",
    "phum": "village",
    "phoum": "village",
    "gram": "village",
    "kampung": "village",
    "kp": "village",
    "barangay": "village",
    "brgy": "village",
    "phuong": "ward",
    "mahallesi": "ward",
    "mah": "ward",
    "mh": "ward",
    "kel": "ward",
    "kelurahan": "ward",
    "sangkat": "ward",
    "ward": "ward",
    "tambon": "subdistrict",
    "khum": "subdistrict",
    "tp": "city",
    "kota": "city",
    "city": "city",
    "thanh": "city",
    "pho": "city",
    "twn": "town",
    "town": "town",
    "tran": "town",
    "epz": "epz",
    "sez": "sez",
    "kcn": "industrial zone",
    "iz": "industrial zone",
    "osb": "industrial zone",
    "kawasan": "zone",
    "ki": "industrial zone",
    "midc": "midc",
    "gidc": "gidc",
    "sipcot": "sipcot",
    "colonia": "neighbourhood",
    "col": "neighbourhood",
    "mz": "block",
    "manzana": "block",
    "no": "",
    "nos": "",
    "nr": "",
    "num": "",
    "number": "",
    "n": "",
    "so": "",
    "po": "",
    "pc": "",
    "zip": "",
    "postcode": "",
    "pin": "",
    "box": "pobox",
    "pob": "pobox",
    "post": "",
    "of": "",
    "the": "",
    "and": "",
    "de": "",
    "del": "",
    "la": "",
    "di": "",
    "near": "",
    "opp": "",
    "opposite": "",
    "behind": "",
    "beside": "",
    "at": "",
    "in": "",
}

# Address words that say what kind of place a token is but not which one.
ADDRESS_GENERIC: frozenset[str] = frozenset(
    [
        "street",
        "road",
        "avenue",
        "boulevard",
        "lane",
        "highway",
        "jalan",
        "building",
        "floor",
        "room",
        "block",
        "industrial",
        "estate",
        "park",
        "zone",
        "area",
        "district",
        "regency",
        "province",
        "village",
        "ward",
        "subdistrict",
        "city",
        "town",
        "township",
        "county",
        "epz",
        "sez",
        "development",
        "economic",
        "export",
        "processing",
        "free",
        "trade",
        "national",
        "main",
        "new",
        "old",
        "north",
        "south",
        "east",
        "west",
        "nagar",
        "sector",
        "phase",
        "plot",
        "lot",
        "unit",
        "shed",
        "moo",
        "km",
        "compound",
        "complex",
        "center",
        "centre",
        "raya",
        "tower",
        "plaza",
        "neighbourhood",
        "prefecture",
        "pobox",
        "branch",
        "office",
        "site",
        "industries",
    ]
)

_COUNTRY_TAIL_EXTRA: dict[str, tuple[str, ...]] = {
    "CN": ("china", "prc", "pr china", "p r china", "peoples republic of china", "mainland china"),
    "VN": ("vietnam", "viet nam"),
    "US": ("usa", "united states", "united states of america", "us"),
    "GB": ("uk", "united kingdom", "england", "great britain"),
    "KR": ("korea", "south korea", "republic of korea"),
    "TW": ("taiwan", "roc"),
    "HK": ("hong kong", "hongkong", "hk", "hong kong sar"),
    "TR": ("turkey", "turkiye"),
    "BD": ("bangladesh",),
    "IN": ("india",),
    "KH": ("cambodia", "kingdom of cambodia"),
    "ID": ("indonesia",),
    "LK": ("sri lanka",),
    "PK": ("pakistan",),
    "MM": ("myanmar", "burma"),
    "LA": ("laos", "lao pdr"),
    "RU": ("russia", "russian federation"),
    "IR": ("iran",),
    "MX": ("mexico",),
}


@lru_cache(maxsize=512)
def _country_tails(country: str) -> tuple[tuple[str, ...], ...]:
    names: set[str] = set(_COUNTRY_TAIL_EXTRA.get(country, ()))
    if country:
        try:
            import pycountry

            entry = pycountry.countries.get(alpha_2=country)
        except (LookupError, KeyError):
            entry = None
        if entry is not None:
            for attr in ("name", "common_name", "official_name"):
                value = getattr(entry, attr, None)
                if isinstance(value, str):
                    names.add(fold(value))
    return tuple(sorted((tuple(n.split()) for n in names if n), key=len, reverse=True))


def _common_token_rules(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for tok in tokens:
        num = _NUMBER_WORDS.get(tok)
        if num is not None:
            tok = num
        elif tok.isdigit() and 1 < len(tok) < 5:
            # "No. 007" is 7; "04100" stays a five-digit postcode (not house number 4100).
            tok = tok.lstrip("0") or "0"
        out.append(tok)
    return out


def _drop_legal_forms(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    n = len(tokens)
    while i < n:
        forms = _LEGAL_BY_FIRST.get(tokens[i])
        if forms:
            for form in forms:
                k = len(form)
                if tuple(tokens[i : i + k]) == form:
                    i += k
                    break
            else:
                out.append(tokens[i])
                i += 1
        else:
            out.append(tokens[i])
            i += 1
    return out


def name_tokens(name: str) -> list[str]:
    """Tokens of a facility or entity name, legal forms and stop words removed.

    >>> name_tokens("Công ty TNHH May Mặc Việt Tiến")
    ['may', 'mac', 'viet', 'tien']
    >>> name_tokens("PT. Sumber Mitra Gasutri Tbk")
    ['sumber', 'mitra', 'gasutri']
    """
    tokens = _common_token_rules(fold(name).split())
    tokens = _drop_legal_forms(tokens)
    out: list[str] = []
    for tok in tokens:
        if tok in _NAME_STOPWORDS:
            continue
        out.append(_NAME_CANON.get(tok, tok))
    if not out and tokens:
        # A name made only of stop words ("The Company") still needs a key.
        out = tokens
    return out


def address_tokens(address: str, country: str = "") -> list[str]:
    """Canonical tokens of an address.

    Abbreviations and local-language address words map to one spelling
    (``Jl.`` -> ``jalan``, ``Phường`` -> ``ward``, ``路`` -> ``road``); number
    markers (``No.``, ``#``) are dropped but the numbers themselves are kept; a
    trailing country name is removed since the country is a separate field.
    """
    tokens = _common_token_rules(fold(address, address=True).split())
    out: list[str] = []
    for tok in tokens:
        canon = _ADDR_CANON.get(tok)
        if canon is None:
            out.append(tok)
        elif canon:
            out.extend(canon.split())
    if country and out:
        for tail in _country_tails(country):
            k = len(tail)
            if len(out) > k and tuple(out[-k:]) == tail:
                del out[-k:]
                break
    return out
