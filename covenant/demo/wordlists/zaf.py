"""South Africa: citrus, grapes and apples in the Western Cape and Limpopo, macadamia in
Mpumalanga, juice in Paarl."""

from covenant.demo.wordlists._types import City, Country, Kind

WC = "Western Cape"

CITIES = (
    City("Citrusdal", WC, "ZA-WC", -32.59, 18.99, "7340", ("fruit",), ("Olifants River Valley",)),
    City("De Doorns", WC, "ZA-WC", -33.48, 19.68, "6875", ("fruit",), ("Hex River Valley",)),
    City("Ceres", WC, "ZA-WC", -33.37, 19.31, "6835", ("fruit",), ("Koue Bokkeveld", "Warm Bokkeveld")),
    City(
        "Paarl", WC, "ZA-WC", -33.73, 18.97, "7646", ("beverage", "packaging"), ("Dal Josafat Industria", "Klein Parys")
    ),
    City("Letsitele", "Limpopo", "ZA-LP", -23.88, 30.40, "0885", ("fruit",), ("Letaba Valley",)),
    City(
        "Mbombela",
        "Mpumalanga",
        "ZA-MP",
        -25.47,
        30.97,
        "1200",
        ("nuts", "fruit"),
        ("Karino", "White River", "Hazyview"),
    ),
)

_FARM = (("Farm {trade} No. {no}, {area}, {city}, {postcode}", "Farm {trade} No. {no}, {area}, {city}, {postcode}"),)

KINDS = (
    Kind(
        "fruit",
        8,
        ("Boerdery", "Fruit Farms", "Citrus", "Estates", "Packhouse"),
        items=("Oranges", "Lemons", "Table grapes", "Apples", "Pears"),
        address_fmt=_FARM,
    ),
    Kind("beverage", 2, ("Juice Company", "Beverages"), items=("Fruit juice", "Juice concentrate")),
    Kind("nuts", 2, ("Macadamias", "Nut Processors"), items=("Macadamia nuts", "Macadamia kernels")),
    Kind("packaging", 1, ("Packaging", "Cartons")),
)

COUNTRY = Country(
    code="ZA",
    names=("South Africa", "Republic of South Africa", "Zuid-Afrika", "RSA"),
    weight=15,
    cities=CITIES,
    kinds=KINDS,
    trade=(
        "Sonskyn",
        "Bergvallei",
        "Suidpunt",
        "Blouberg",
        "Klipfontein",
        "Rietvlei",
        "Mooiplaas",
        "Uitkyk",
        "Karoo",
        "Lowveld",
        "Olifants",
        "Kliprivier",
        "Uthando",
        "Bokamoso",
    ),
    legal=("(Pty) Ltd", "(Pty) Ltd", "Ltd"),
    name_fmt=(("{trade} {word} {legal}", "{trade} {word} {legal}"),),
    address_fmt=(
        ("{no} {street} Street, {area}, {city}, {postcode}", "{no} {street} Street, {area}, {city}, {postcode}"),
    ),
    streets=("Main", "Industrie", "Voortrekker", "Church", "Station", "Kerk"),
)
