"""Uzbekistan: cotton-textile clusters in the Fergana valley, Bukhara and Sirdaryo."""

from covenant.demo.wordlists._types import City, Country, Kind

CITIES = (
    City(
        ("Fargʻona", "Fergana"),
        ("Fargʻona viloyati", "Fergana Region"),
        "UZ-FA",
        40.39,
        71.79,
        "1501##",
        ("textile", "cotton"),
        (("Qoʻqon", "Kokand"), ("Margʻilon", "Margilan"), "Quvasoy"),
    ),
    City(
        "Namangan",
        ("Namangan viloyati", "Namangan Region"),
        "UZ-NG",
        41.00,
        71.67,
        "1600##",
        ("textile",),
        ("Chust", "Uychi"),
    ),
    City(
        ("Buxoro", "Bukhara"),
        ("Buxoro viloyati", "Bukhara Region"),
        "UZ-BU",
        39.77,
        64.43,
        "2001##",
        ("cotton", "textile"),
        (("Gʻijduvon", "Gijduvan"), "Vobkent", "Kogon"),
    ),
    City(
        "Guliston",
        ("Sirdaryo viloyati", "Syrdarya Region"),
        "UZ-SI",
        40.49,
        68.78,
        "1201##",
        ("cotton",),
        ("Sirdaryo", "Boyovut"),
    ),
    City(
        ("Toshkent", "Tashkent"),
        ("Toshkent shahri", "Tashkent City"),
        "UZ-TK",
        41.31,
        69.28,
        "1000##",
        ("textile",),
        ("Sergeli", "Yangihayot", "Bektemir"),
    ),
)

KINDS = (
    Kind("textile", 6, (("Tekstil", "Textile"), ("Yigiruv", "Spinning"), ("Trikotaj", "Knitwear"))),
    Kind(
        "cotton",
        4,
        (("Klaster", "Cluster"), ("Paxta tozalash", "Cotton Ginning"), ("Agro Tekstil", "Agro Textile")),
        items=("Cotton lint", "Cotton yarn"),
    ),
)

COUNTRY = Country(
    code="UZ",
    names=("Uzbekistan", "Republic of Uzbekistan", "Oʻzbekiston", "Oezbekistan"),
    weight=10,
    cities=CITIES,
    kinds=KINDS,
    trade=(
        "Baraka",
        "Zarafshon",
        "Samarqand Ipak",
        "Nur",
        "Farovon",
        "Oltin Vodiy",
        "Bunyodkor",
        "Yangi Asr",
        "Mehnat",
        "Sharq",
        "Ziyo",
        "Obod",
    ),
    legal=(("MChJ", "LLC"), ("MChJ", "LLC"), ("AJ", "JSC"), ("MChJ QK", "FE LLC")),
    name_fmt=(("“{trade} {word}” {legal}", "{trade} {word} {legal}"),),
    address_fmt=(
        (
            "{region}, {area} tumani, {street} koʻchasi, {no}-uy, {postcode}",
            "{no} {street} Street, {area} District, {region}, {postcode}",
        ),
    ),
    streets=("Mustaqillik", "Navoiy", "Amir Temur", "Istiqlol", "Sanoat", "Paxtakor"),
    fold=True,
)
