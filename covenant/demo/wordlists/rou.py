"""Romania: garments and shoes in Bihor, Timiș, Iași and Bacău; furniture in Suceava."""

from covenant.demo.wordlists._types import City, Country, Kind

CITIES = (
    City("Oradea", "Bihor", "RO-BH", 47.07, 21.93, "410###", ("garment", "footwear"), ("",)),
    City("Timișoara", "Timiș", "RO-TM", 45.75, 21.23, "300###", ("garment", "footwear"), ("",)),
    City("Iași", "Iași", "RO-IS", 47.16, 27.59, "700###", ("garment",), ("",)),
    City("Bacău", "Bacău", "RO-BC", 46.57, 26.91, "600###", ("garment",), ("",)),
    City("Suceava", "Suceava", "RO-SV", 47.65, 26.26, "720###", ("furniture",), ("",)),
)

KINDS = (
    Kind("garment", 6, (("Confecții", "Garments"), ("Tricotaje", "Knitwear"), ("Textile", "Textiles"))),
    Kind("footwear", 3, (("Încălțăminte", "Footwear"),)),
    Kind("furniture", 2, (("Mobilă", "Furniture"), ("Prelucrarea Lemnului", "Wood Processing"))),
)

COUNTRY = Country(
    code="RO",
    names=("Romania", "România", "Roemenië"),
    weight=14,
    cities=CITIES,
    kinds=KINDS,
    trade=(
        "Carpați",
        "Dunărea",
        "Transilvania",
        "Crișana",
        "Banat",
        "Someș",
        "Mureș",
        "Bucovina",
        "Popescu",
        "Ionescu",
        "Moldova",
        "Ceahlău",
        "Arieș",
    ),
    legal=("S.R.L.", "S.R.L.", "S.A."),
    name_fmt=(("{trade} {word} {legal}", "{trade} {word} {legal}"),),
    address_fmt=(
        (
            "Str. {street} nr. {no}, {city} {postcode}, jud. {region}",
            "Str. {street} nr. {no}, {city} {postcode}, jud. {region}",
        ),
    ),
    streets=("Industriilor", "Fabricii", "Calea Aradului", "Uzinei", "Morii", "Depozitelor"),
    fold=True,
)
