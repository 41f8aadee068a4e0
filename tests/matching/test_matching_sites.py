"""Different sites that look alike: site qualifiers, distinctive words, house numbers.

The four real cases found when the demo sector was seeded must not be matched
automatically; ordinary noisy renderings of the same site must still be.
"""

from __future__ import annotations

import random

import pytest

from covenant.demo.data import country_code, generate_sector, noisy_variant
from covenant.matching import Matcher, MatchIndex, Record
from covenant.matching.features import compare, prepare
from covenant.matching.matcher import site_confirmed
from covenant.matching.normalize import address_tokens, name_tokens

SRI_NAKHON = Record(
    "TH1", "Sri Nakhon Electronics Co., Ltd.", "185 Don Hua Lo, Mueang Chon Buri, Chon Buri 20000", "TH"
)
PHNOM_MEAS = Record(
    "KH1",
    "Phnom Meas Garment Co., Ltd.",
    "No. 7, National Road 4, Khum Kaheng, Srok Samraong Tong, Kampong Speu Province",
    "KH",
)
ASSIN_BEREKU = Record(
    "GH1", "Assin Bereku Boafo Cocoa Farmers Association", "Assin Bereku, Assin Fosu, Central Region", "GH"
)
SCOOPS_PAIX = Record(
    "CI1", "Société Coopérative Paix de Quartier Résidentiel (SCOOPS)", "Quartier Résidentiel, Soubré", "CI"
)

REGISTER = [
    SRI_NAKHON,
    PHNOM_MEAS,
    ASSIN_BEREKU,
    SCOOPS_PAIX,
    Record(
        "VN1",
        "Phuc Hung Garment Co., Ltd.",
        "No. 20, Street 35, Nhon Trach 3 Industrial Park, Hiep Phuoc Town, Nhon Trach District, Dong Nai Province",
        "VN",
        aliases=("Công ty TNHH May Phúc Hưng",),
    ),
    Record(
        "BD1",
        "Tasnim Garments Limited",
        "174/15, Mirpur, Dhaka-1216",
        "BD",
        aliases=("তাসনিম গার্মেন্টস লিঃ",),
    ),
    Record("IN1", "Shree Balaji Overseas", "Plot No. 23, G.T. Road, Karnal, Haryana 132092", "IN"),
    Record("CN1", "Dongguan Shengshi Smart Technology Co., Ltd.", "No. 18 Huancheng Road, Liaobu Town, Dongguan", "CN"),
    Record("ES1", "Horticultura Mediterráneo S. Coop.", "Finca Mediterráneo, San Isidro, 04100 Níjar (Almería)", "ES"),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    index = MatchIndex()
    index.add_many(REGISTER)
    return Matcher(index)


def _features(a: Record, b: Record) -> dict[str, float]:
    index = MatchIndex()
    index.add(b)
    return compare(prepare(a), prepare(b), index.name_weight, index.address_weight)


# ------------------------------------------------------------------ the real cases
@pytest.mark.parametrize(
    "row",
    [
        Record(
            "q1",
            "Assin Akropong Dwenesie Cocoa Farmers Association",
            "Assin Akropong, Assin Fosu, Central Region",
            "GH",
        ),
        Record(
            "q2",
            "Sri Nakhon Electronics Co., Ltd. (Branch 2)",
            "14 Don Hua Lo, Mueang Chon Buri, Chon Buri 20000",
            "TH",
        ),
        # The same branch row without its house number: only the qualifier tells.
        Record("q2b", "Sri Nakhon Electronics Co., Ltd. (Branch 2)", "Mueang Chon Buri, Chon Buri 20000", "TH"),
        Record(
            "q3",
            "Phnom Meas Apparel Co., Ltd",
            "No. 28, Street 17, National Road 4, Khum Kaheng, Srok Samraong Tong, Kampong Speu Province",
            "KH",
        ),
        Record(
            "q4",
            "Société Coopérative Renaissance de Quartier Résidentiel (SCOOPS) Unit-1",
            "Quartier Résidentiel, Soubré",
            "CI",
        ),
        # A group's second site in Chinese: 分公司 (branch) in the name, another town.
        Record("q5", "东莞市盛世智能科技股份有限公司寮步镇分公司", "东莞市寮步镇", "CN"),
        # The register has the main site; the row is its numbered sister.
        Record("q6", "Horticultura Mediterráneo S. Coop. 2", "San Isidro, km 23, 04100 Níjar (Almería)", "ES"),
    ],
    ids=["assin-other-town", "branch-2", "branch-2-no-house-number", "house-number", "unit-1", "fen-gongsi", "coop-2"],
)
def test_other_site_of_a_lookalike_is_not_matched(matcher: Matcher, row: Record) -> None:
    r = matcher.match(row)
    assert r.decision in ("review", "new"), (r.decision, r.score, r.candidates[0].features)


@pytest.mark.parametrize(
    ("registered", "row"),
    [
        (ASSIN_BEREKU, "Assin Akropong Dwenesie Cocoa Farmers Association|Assin Akropong, Assin Fosu, Central Region"),
        (SRI_NAKHON, "Sri Nakhon Electronics Co., Ltd. (Branch 2)|14 Don Hua Lo, Mueang Chon Buri, Chon Buri 20000"),
        (PHNOM_MEAS, "Phnom Meas Apparel Co., Ltd|No. 28, Street 17, National Road 4, Khum Kaheng, Kampong Speu"),
        (SCOOPS_PAIX, "Société Coopérative Renaissance de Quartier Résidentiel (SCOOPS) Unit-1|Quartier Résidentiel"),
    ],
)
def test_real_cases_against_a_register_of_one(registered: Record, row: str) -> None:
    # Alone in a register (no IDF to lean on) and in both directions.
    name, address = row.split("|")
    other = Record("Q", name, address, registered.country)
    for reg, query in ((registered, other), (other, registered)):
        index = MatchIndex()
        index.add(reg)
        r = Matcher(index).match(Record("q", query.name, query.address, query.country))
        assert r.decision != "match", (query.name, reg.name, r.score)


# ------------------------------------------------------------ noisy rows still match
@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (Record("n1", "SRI NAKHON ELECTRONICS CO LTD", "185 DON HUA LO, CHON BURI", "TH"), "TH1"),
        (Record("n2", "Sri Nakhon Electronic Company Limited Factory", "185 Don Hua Lo, Chon Buri 20000", "TH"), "TH1"),
        (Record("n3", "Phnom Meas Garment", "No 7, National Road 4, Kampong Speu", "KH"), "KH1"),
        (Record("n4", "Shree Balaij Overseas", "PLOT NO. 23, G.T. ROAD, HARYANA 132092", "IN"), "IN1"),
        (Record("n5", "Công ty TNHH May Phúc Hưng", "Số 20, Đường số 35, KCN Nhơn Trạch 3, Đồng Nai", "VN"), "VN1"),
        (Record("n6", "তাসনিম গার্মেন্টস লিঃ", "১৭৪/১৫, মিরপুর, ঢাকা-১২১৬", "BD"), "BD1"),
        (Record("n7", "Tasnim Garment Ltd.", "174/15, Mirpur, Dhaka-1216", "BD"), "BD1"),
        (Record("n8", "Phuc Hung Garments Company Limited", "Nhon Trach 3 Industrial Park, Dong Nai", "VN"), "VN1"),
        (Record("n9", "Assin Bereku Boafo Cocoa Farmers Assoc.", "Assin Bereku, Central Region", "GH"), "GH1"),
        (Record("n10", "HORTICULTURA MEDITERRANEO S. COOP.", "San Isidro, 04100 Nijar", "ES"), "ES1"),
        # A unit number the register does not have, but the house number confirms the site.
        (Record("n11", "Tasnim Garments Ltd. Unit 2", "174/15, Mirpur, Dhaka-1216", "BD"), "BD1"),
    ],
)
def test_noisy_rows_of_the_same_site_still_match(matcher: Matcher, row: Record, expected: str) -> None:
    r = matcher.match(row)
    assert (r.decision, r.registry_id) == ("match", expected), (r.score, r.candidates[0].features)


def test_demo_member_rows_match_and_lookalikes_do_not() -> None:
    """Noisy member rows of a small demo sector: no wrong automatic match, few misses."""
    sector = generate_sector(2026, 300)
    rng = random.Random(5)
    sites = list(sector.sites)
    registered = {s.key for s in sites if rng.random() < 0.85}
    index = MatchIndex()
    for s in sites:
        if s.key in registered:
            aliases = (s.name,) if s.name != s.name_latin else ()
            index.add(Record(s.key, s.name_latin, s.address_latin, s.country, lat=s.lat, lng=s.lng, aliases=aliases))
    matcher = Matcher(index)
    matched = wrong = 0
    for s in sites:
        row = noisy_variant(s, rng)
        r = matcher.match(Record("q", row["name"], row["address"], country_code(row["country"]) or ""))
        if r.decision == "match":
            if r.registry_id == s.key:
                matched += 1
            else:
                wrong += 1
    assert wrong == 0
    assert matched >= 0.9 * len(registered)


# -------------------------------------------------------------------- the features
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("东莞华艺服装二厂", ["dongguanhuayi", "garment", "factory", "2"]),
        ("株式会社青葉製薬 第2工場", ["qingyezhiyao", "factory", "2"]),
        ("(주)청우코스메틱 제2공장", ["cheongukoseumetig", "factory", "2"]),
        ("盛世科技有限公司寮步镇分公司", ["shengshi", "technology", "liaobuzhen", "branch"]),
        ("บริษัท พัฒนกิจ จำกัด (สาขาที่ 2)", ["phathnkich", "branch", "2"]),
        ("Serra Azul Algodoeira S.A. - Filial 2", ["serra", "azul", "algodoeira", "branch", "2"]),
        ("Işık Moda A.Ş. Çerkezköy Şubesi", ["isik", "moda", "cerkezkoy", "branch"]),
        ("Rongfeng Vietnam Co., Ltd. - Factory No. 2", ["rongfeng", "vietnam", "factory", "2"]),
        ("Akwaba Négoce SARL - Usine 2", ["akwaba", "negoce", "factory", "2"]),
        ("ក្រុមហ៊ុន សុវណ្ណ ស្បែកជើង ឯ.ក (រោងចក្រទី២)", ["sovnn", "sbaekchaeung", "factory", "2"]),
    ],
)
def test_site_qualifiers_in_many_languages(raw: str, expected: list[str]) -> None:
    assert name_tokens(raw) == expected


def test_five_digit_postcodes_keep_leading_zeros() -> None:
    assert address_tokens("San Isidro, 04100 Níjar", "ES") == ["san", "isidro", "04100", "nijar"]
    assert address_tokens("No. 007 Main Road") == ["7", "main", "road"]


def test_qualifier_on_one_side_only() -> None:
    base = Record("a", "Sri Nakhon Electronics Co., Ltd.", "Chon Buri", "TH")
    for name in ("Sri Nakhon Electronics (Branch 2)", "Sri Nakhon Electronics Unit-1", "Sri Nakhon Electronics II"):
        f = _features(Record("q", name, "Chon Buri", "TH"), base)
        assert f["name_qualifier_one_side"] == 1.0, name
        assert f["name_number_conflict"] == 0.0
    f = _features(Record("q", "Sri Nakhon Electronics Factory", "Chon Buri", "TH"), base)
    assert f["name_qualifier_one_side"] == 0.0  # a generic word, not a site qualifier
    f = _features(
        Record("q", "Sri Nakhon Electronics Unit II", "Chon Buri", "TH"), Record("b", "Sri Nakhon Unit 2", "", "TH")
    )
    assert (f["name_qualifier_one_side"], f["name_number_conflict"]) == (0.0, 0.0)
    f = _features(
        Record("q", "Sri Nakhon Electronics Unit 3", "Chon Buri", "TH"), Record("b", "Sri Nakhon Unit 2", "", "TH")
    )
    assert (f["name_qualifier_one_side"], f["name_number_conflict"]) == (0.0, 1.0)


def test_distinctive_words_on_both_sides() -> None:
    other_town = Record("q", "Assin Akropong Dwenesie Cocoa Farmers Association", "Assin Akropong, Assin Fosu", "GH")
    assert _features(other_town, ASSIN_BEREKU)["name_distinct_conflict"] > 0.3
    # A typo, a dropped legal form, an extra generic word: not distinctive words.
    for name in (
        "Assin Berkeu Boafo Cocoa Farmers Association",
        "Assin Bereku Boafo Cocoa Farmers Association Ltd",
        "Assin Bereku Boafo Cocoa Farmers Association Factory",
    ):
        f = _features(Record("q", name, "Assin Bereku", "GH"), ASSIN_BEREKU)
        assert f["name_distinct_conflict"] < 0.1, (name, f["name_distinct_conflict"])
    # A word on one side only is a dropped word, not a conflict.
    f = _features(Record("q", "Bereku Boafo Cocoa Farmers", "Assin Bereku", "GH"), ASSIN_BEREKU)
    assert f["name_distinct_conflict"] == 0.0
    # A place name the other side has in its address is neutral.
    shengshi = Record("c", "Shengshi Smart Technology Liaobu", "Liaobu Town, Dongguan", "CN")
    f = _features(Record("q", "Shengshi Smart Technology Dongguan", "Liaobu, Dongguan", "CN"), shengshi)
    assert f["name_distinct_conflict"] == 0.0


def test_house_numbers_conflict_even_when_a_road_number_is_shared() -> None:
    other = Record(
        "q",
        "Phnom Meas Apparel",
        "No. 28, Street 17, National Road 4, Khum Kaheng, Kampong Speu Province",
        "KH",
    )
    f = _features(other, PHNOM_MEAS)
    assert (f["number_match"], f["number_conflict"]) == (1.0, 1.0)
    # A number missing on one side is a dropped address part, not a conflict.
    same = Record("q", "Phnom Meas Garment", "National Road 4, Kampong Speu Province", "KH")
    f = _features(same, PHNOM_MEAS)
    assert (f["number_match"], f["number_conflict"]) == (1.0, 0.0)


def test_site_confirmed_rule() -> None:
    assert site_confirmed({"name_weighted": 1.0})
    assert not site_confirmed({"name_number_conflict": 1.0, "number_match": 1.0})
    assert not site_confirmed({"name_qualifier_one_side": 1.0})
    assert not site_confirmed({"name_qualifier_one_side": 1.0, "number_match": 1.0, "number_conflict": 1.0})
    assert site_confirmed({"name_qualifier_one_side": 1.0, "number_match": 1.0})
    assert not site_confirmed({"name_qualifier_one_side": 1.0, "number_match": 1.0}, score=0.85)
    assert site_confirmed({"name_qualifier_one_side": 1.0, "identifier_match": 1.0})


def test_explain_mentions_site_qualifiers(matcher: Matcher) -> None:
    r = matcher.match(Record("q", "Sri Nakhon Electronics Co., Ltd. (Branch 2)", "Chon Buri 20000", "TH"))
    assert "unit/branch/number in one name only" in r.candidates[0].explain()


def test_a_place_name_replaced_by_another_word_still_differs() -> None:
    # The registered distinctive word is the street or town of the (shared)
    # address: the query did not add a place name, it has another word instead.
    jones_ave = "800 Jones Ave, Lancaster, PA 17601"
    jones = Record("c", "Jones Dairy Farm", jones_ave, "US")
    stone = Record("q", "Stone Dairy Farm", jones_ave, "US")
    for a, b in ((stone, jones), (jones, stone)):
        f = _features(a, b)
        assert f["name_word_differs"] == 1.0
        assert f["name_distinct_conflict"] > 0.3
        assert not site_confirmed(f)
    dallas = "4216 Mint Way, Dallas, TX 75237"
    f = _features(
        Record("q", "Freedman Food Service - Carnegie", dallas, "US"),
        Record("c", "Freedman Food Service - Dallas", dallas, "US"),
    )
    assert f["name_word_differs"] == 1.0
    # A name that adds (or drops) its town is still the same name.
    for q, c in (
        ("Freedman Food Service", "Freedman Food Service - Dallas"),
        ("Freedman Food Service Dallas", "Freedman Food Service"),
    ):
        f = _features(Record("q", q, dallas, "US"), Record("c", c, dallas, "US"))
        assert (f["name_word_differs"], f["name_distinct_conflict"]) == (0.0, 0.0), (q, c)
    f = _features(
        Record("q", "Jones Dairy Farm", jones_ave, "US"), Record("c", "Jones Dairy Farm Lancaster", jones_ave, "US")
    )
    assert (f["name_word_differs"], f["name_distinct_conflict"]) == (0.0, 0.0)


def test_five_digit_house_numbers_by_position() -> None:
    # US house numbers often have five digits; a leading number followed by a
    # street is a house number, a five-digit number after the state a postcode.
    school = Record("q", "Abner Snack Foods", "27926 School Street, Bell City, MO 63735", "US")
    walnut = Record("c", "Abner Snack Foods, Inc.", "25157 Walnut St., Bell City, MO 63735", "US")
    f = _features(school, walnut)
    assert f["number_conflict"] == 1.0
    assert not site_confirmed(f)
    same = Record("c", "Abner Snack Foods, Inc.", "27926 School St., Bell City, MO 63735", "US")
    f = _features(school, same)
    assert (f["number_match"], f["number_conflict"]) == (1.0, 0.0)
    # Another postcode alone is no house-number conflict, nor a leading postcode before its town.
    f = _features(
        Record("q", "Abner Snack Foods", "School Street, Bell City, MO 63736", "US"),
        Record("c", "Abner Snack Foods", "School Street, Bell City, MO 63735", "US"),
    )
    assert f["number_conflict"] == 0.0
    f = _features(
        Record("q", "Maison Dupont", "75008 Paris, 12 rue de Rivoli", "FR"),
        Record("c", "Maison Dupont", "75001 Paris, 12 rue de Rivoli", "FR"),
    )
    assert (f["number_match"], f["number_conflict"]) == (1.0, 0.0)


def test_words_written_together_are_the_same_name() -> None:
    addr = "10026 Giovane Street, El Monte, CA 91733"
    for joined, spaced in (
        ("Cbfoods Inc.", "CB Foods Inc."),
        ("M.C.I.Foods, Inc.", "M.C.I. Foods, Inc."),
        ("ZYKEnterprises", "ZYK Enterprises"),
        ("WeiyeeFoods Co., Inc.", "Weiyee Foods Co., Inc."),
    ):
        for a, b in ((joined, spaced), (spaced, joined)):
            f = _features(Record("q", a, addr, "US"), Record("c", b, addr, "US"))
            assert f["name_weighted"] == 1.0, (a, b, f["name_weighted"])
            assert (f["name_distinct_conflict"], f["name_word_differs"]) == (0.0, 0.0)
    # Another short word glued on is not the same name.
    f = _features(Record("q", "Cbfoods Inc.", addr, "US"), Record("c", "CJ Foods Inc.", addr, "US"))
    assert f["name_weighted"] < 0.5
    assert name_tokens("Seafoods Fresh") == ["seafood", "fresh"]
    assert name_tokens("Cbfoods") == ["cbfood"]


def test_a_generic_word_replaced_by_a_distinctive_one_differs() -> None:
    addr = "547 Griffith Rd., Charlotte, NC 28217"
    for q, c in (
        ("Golden Sechrist Bakery", "Golden Grains Bakery"),
        ("R. L. Industrial, Inc.", "R. L. Schreiber, Inc."),
        ("Squab Calihan Of California", "Squab Producers Of California"),
    ):
        for a, b in ((q, c), (c, q)):
            f = _features(Record("q", a, addr, "US"), Record("c", b, addr, "US"))
            assert f["name_word_differs"] == 1.0, (a, b)
            assert not site_confirmed(f)
    # Added or dropped words, and contractions of the generic word, are not replacements.
    for q, c in (
        ("Golden Grains Bakery Sechrist", "Golden Grains Bakery"),
        ("Pilgrim's Pride Corporation Processing", "Pilgrim's Pride Corporation"),
        ("Jiangsu Tianhai Gmts Co.,Ltd", "Jiangsu Tianhai Garments Co.,Ltd"),
        ("Shaoxing Zhanhong Kncting Co., Ltd.", "Shaoxing Zhanhong Knitting Co., Ltd."),
        ("Chantha Grmen tLtd.", "Chantha Garment Ltd."),
    ):
        for a, b in ((q, c), (c, q)):
            f = _features(Record("q", a, addr, "US"), Record("c", b, addr, "US"))
            assert f["name_word_differs"] == 0.0, (a, b)
