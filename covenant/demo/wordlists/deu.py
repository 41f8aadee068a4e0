"""Germany: coffee and cocoa processing in Hamburg and Bremen, chemicals on the Rhine,
dairies in Bavaria and Lower Saxony, packaging and personal care."""

from covenant.demo.wordlists._types import City, Country, Kind

CITIES = (
    City("Hamburg", "Hamburg", "DE-HH", 53.55, 9.99, "21###", ("coffee_processing", "cocoa_processing"), ("",)),
    City("Bremen", "Bremen", "DE-HB", 53.08, 8.80, "28###", ("coffee_processing",), ("",)),
    City("Krefeld", "Nordrhein-Westfalen", "DE-NW", 51.34, 6.59, "478##", ("chemicals", "household"), ("",)),
    City("Bielefeld", "Nordrhein-Westfalen", "DE-NW", 52.02, 8.53, "336##", ("packaging", "food"), ("",)),
    City("Kempten", "Bayern", "DE-BY", 47.73, 10.31, "874##", ("dairy",), ("",)),
    City("Oldenburg", "Niedersachsen", "DE-NI", 53.14, 8.21, "261##", ("dairy", "meat"), ("",)),
    City("Ludwigshafen", "Rheinland-Pfalz", "DE-RP", 49.48, 8.44, "670##", ("chemicals",), ("",)),
    City("Karlsruhe", "Baden-Württemberg", "DE-BW", 49.01, 8.40, "761##", ("personal_care",), ("",)),
)

KINDS = (
    Kind("coffee_processing", 3, ("Kaffee-Veredelung", "Kaffeeimport", "Rohkaffee")),
    Kind("cocoa_processing", 1, ("Kakaoverarbeitung", "Kakao")),
    Kind("chemicals", 3, ("Chemie", "Tenside", "Spezialchemie")),
    Kind("household", 2, ("Reinigungsmittel", "Waschmittelwerk")),
    Kind("packaging", 3, ("Verpackungen", "Wellpappe", "Kunststofftechnik")),
    Kind("food", 1, ("Feinkost", "Nahrungsmittel"), items=("Sauces", "Snacks")),
    Kind("dairy", 3, ("Molkerei", "Käserei"), items=("Cheese", "Butter", "Milk powder")),
    Kind("meat", 1, ("Geflügel", "Fleischwaren"), items=("Chicken breast fillets", "Cooked ham")),
    Kind("personal_care", 2, ("Kosmetik", "Naturkosmetik")),
)

COUNTRY = Country(
    code="DE",
    names=("Germany", "Deutschland", "Duitsland", "Federal Republic of Germany"),
    weight=18,
    cities=CITIES,
    kinds=KINDS,
    trade=(
        "Hansa",
        "Elbe",
        "Weser",
        "Nordmark",
        "Alpen",
        "Rheinland",
        "Schulte",
        "Brinkmann",
        "Hagedorn",
        "Vogel",
        "Lindner",
        "Allgäuer",
        "Ammerland",
        "Westfalen",
        "Kurpfalz",
    ),
    legal=("GmbH", "GmbH", "GmbH & Co. KG", "AG"),
    name_fmt=(("{trade} {word} {legal}", "{trade} {word} {legal}"),),
    address_fmt=(("{street} {no}, {postcode} {city}", "{street} {no}, {postcode} {city}"),),
    streets=(
        "Industriestraße",
        "Hafenstraße",
        "Gewerbering",
        "Am Hafen",
        "Raiffeisenstraße",
        "Daimlerstraße",
        "Bahnhofstraße",
    ),
    branch_fmt=("{name} Werk {n}", "{name} Werk {n}"),
)
