"""Normalisation of names and addresses across scripts and legal forms."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from covenant.matching import address_tokens, name_tokens
from covenant.matching.normalize import fold


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # English / Commonwealth
        ("Ningbo Huayi Garments Co., Ltd.", ["ningbo", "huayi", "garment"]),
        ("NINGBO HUAYI GARMENTS CO LTD", ["ningbo", "huayi", "garment"]),
        ("Ningbo Huayi Garments Company Limited", ["ningbo", "huayi", "garment"]),
        ("Ashok Textiles Pvt. Ltd.", ["ashok", "textile"]),
        ("M/S Ashok Textiles Private Limited", ["ashok", "textile"]),
        ("Hirdaramani Industries (Pvt) Ltd", ["hirdaramani", "industries"]),
        ("Acme Apparel PLC", ["acme", "apparel"]),
        ("Acme Apparel Inc.", ["acme", "apparel"]),
        ("Acme Apparel Corp", ["acme", "apparel"]),
        ("Acme Apparel LLC", ["acme", "apparel"]),
        # Indonesia / Malaysia
        ("PT. Sumber Mitra Gasutri Tbk", ["sumber", "mitra", "gasutri"]),
        ("CV Sumber Rejeki", ["sumber", "rejeki"]),
        ("Gimmill Industrial (M) Sdn Bhd", ["gimmill", "industries", "m"]),
        # Latin America / Europe
        ("Industrias Merlet S.A. de C.V.", ["industries", "merlet"]),
        ("Confecções Brasil Ltda", ["garment", "brasil"]),
        ("Garsport SRL", ["garsport"]),
        ("Zellaerosol GmbH", ["zellaerosol"]),
        ("Ringo Textil S.p.A.", ["ringo", "textile"]),
        ("Van Dijk B.V.", ["dijk"]),
        ("Delhaize N.V.", ["delhaize"]),
        ("Montfort AG", ["montfort"]),
        ("Schmidt KG", ["schmidt"]),
        ("Multi Packaging Solutions Tczew Sp. z o.o.", ["multi", "packaging", "solutions", "tczew"]),
        # Turkey
        ("Erateks Tekstil Sanayi ve Ticaret A.Ş.", ["erateks", "textile"]),
        ("Pim Tekstil San. ve Tic. Ltd. Şti.", ["pim", "textile"]),
        # Vietnam (diacritics and legal forms)
        ("Công ty TNHH May Mặc Việt Tiến", ["may", "mac", "viet", "tien"]),
        ("Công ty Cổ phần Dệt May Hà Nội", ["det", "may", "ha", "noi"]),
        ("Viet Tien Garment JSC", ["viet", "tien", "garment"]),
        # Russia (Cyrillic) and its transliteration
        ("ООО «Ромашка»", ["romashka"]),
        ("OOO Romashka", ["romashka"]),
        # Chinese: legal forms, administrative prefix, industry words
        ("深圳市美泉鞋业有限公司", ["shenzhen", "meiquan", "shoe"]),
        ("宁波华艺服装股份有限公司", ["ningbohuayi", "garment"]),
        # Japanese and Korean legal forms
        ("株式会社ユニクロ", ["yunikuro"]),
        ("주식회사 한세실업", ["hansesileob"]),
        # Thai, Arabic, Bengali, Devanagari
        ("บริษัท ไทย การ์เมนท์ จำกัด", ["aithy", "karemnth"]),
        ("شركة النسيج ذ.م.م", ["lnsyj"]),
        ("ঢাকা গার্মেন্টস লিমিটেড", ["dhaka", "garment"]),
        ("बॉम्बे डाइंग प्राइवेट लिमिटेड", ["bombe", "daimg"]),
    ],
)
def test_name_tokens(raw: str, expected: list[str]) -> None:
    assert name_tokens(raw) == expected


def test_plant_numbers_are_kept_and_roman_numerals_become_digits() -> None:
    assert name_tokens("Classic Fashion Apparel Industry Unit - II") == [
        "classic",
        "fashion",
        "apparel",
        "industries",
        "unit",
        "2",
    ]
    assert name_tokens("Makalot Garment Co. Ltd. - MK2") == ["makalot", "garment", "mk", "2"]
    assert name_tokens("Second Unit") == name_tokens("2 Unit")


def test_local_script_legal_forms_only_match_whole_words() -> None:
    assert name_tokens("НАДЕЖДА АД") == ["nadezhda"]
    assert name_tokens("ООО Мебель") == ["furniture"]  # Мебель: furniture, a generic word


def test_fullwidth_and_circled_forms_fold() -> None:
    assert fold("ＡＢＣ　１２３") == "abc 123"
    assert name_tokens("㈱ユニクロ") == name_tokens("株式会社ユニクロ")


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        (
            "NO.8 SHUANGBAO WEST ROAD, OUHAI, WENZHOU, CHINA",
            "CN",
            ["8", "shuangbao", "west", "road", "ouhai", "wenzhou"],
        ),
        ("No. 8 Shuangbao W. Rd, Ouhai, Wenzhou", "CN", ["8", "shuangbao", "w", "road", "ouhai", "wenzhou"]),
        (
            "广东省东莞市厚街镇新围路68号",
            "CN",
            ["guangdong", "province", "dongguan", "city", "houjie", "town", "xinwei", "road", "68"],
        ),
        (
            "Phường Tân Phú, Quận 7, TP. Hồ Chí Minh",
            "VN",
            ["ward", "tan", "phu", "district", "7", "city", "ho", "chi", "minh"],
        ),
        ("Jl. Raya Comal Km.15, Kab. Pemalang", "ID", ["jalan", "raya", "comal", "km", "15", "regency", "pemalang"]),
        (
            "Atatürk Mah. Cumhuriyet Cad. No:12",
            "TR",
            ["ataturk", "ward", "cumhuriyet", "avenue", "12"],
        ),
        ("15th Floor, Bldg 3", "CN", ["15", "floor", "building", "3"]),
        ("Plot 007, Sector 4, Gazipur, Bangladesh", "BD", ["plot", "7", "sector", "4", "gazipur"]),
        ("135 Moo 2, Tambon Maeku, Tak 63110", "TH", ["135", "moo", "2", "subdistrict", "maeku", "tak", "63110"]),
        ("ул. Ленина, д. 5, г. Москва", "RU", ["street", "lenina", "5", "city", "moskva"]),
    ],
)
def test_address_tokens(raw: str, country: str, expected: list[str]) -> None:
    assert address_tokens(raw, country) == expected


def test_abbreviations_and_full_forms_agree() -> None:
    assert address_tokens("12 Main St, Industrial Est.") == address_tokens("12 Main Street, Industrial Estate")
    assert address_tokens("Jln Raya 5") == address_tokens("Jalan Raya 5")
    assert address_tokens("Yarimburgaz Mh. Ataturk Cd. No.31") == address_tokens(
        "Yarimburgaz Mahallesi Ataturk Caddesi 31"
    )


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(max_size=60))
def test_normalisation_never_fails_and_is_ascii(text: str) -> None:
    for tokens in (name_tokens(text), address_tokens(text, "CN")):
        for tok in tokens:
            assert tok
            assert tok.isascii()
            assert tok == tok.lower()
            assert " " not in tok


# Latin with diacritics, Vietnamese and Cyrillic letters: scripts where case exists
# and upper/lower-casing keeps the number of letters.
_CASED = "abcdefghijklmnopqrstuvwxyz0123456789 .,-&()àáâãäèéêìíòóôõöùúýđăơưабвгдежзиклмнопрстуфхцчшыэюя"


@settings(max_examples=100, deadline=None, database=None)
@given(st.text(alphabet=_CASED, max_size=40))
def test_case_and_punctuation_do_not_matter(text: str) -> None:
    assert name_tokens(text.upper()) == name_tokens(text.lower().replace(",", " , "))
