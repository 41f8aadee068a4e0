"""Netherlands: cocoa processing on the Zaan, dairy in Friesland and Gelderland,
chemicals in Rotterdam, packaging and food in Brabant."""

from covenant.demo.wordlists._types import City, Country, Kind

CITIES = (
    City("Zaandam", "Noord-Holland", "NL-NH", 52.44, 4.81, "150# @@", ("cocoa_processing",), ("",), weight=2),
    City(
        "Amsterdam", "Noord-Holland", "NL-NH", 52.40, 4.85, "104# @@", ("cocoa_processing", "coffee_processing"), ("",)
    ),
    City("Leeuwarden", "Fryslân", "NL-FR", 53.20, 5.80, "89## @@", ("dairy",), ("",)),
    City("Apeldoorn", "Gelderland", "NL-GE", 52.21, 5.97, "73## @@", ("dairy", "food"), ("",)),
    City("Rotterdam", "Zuid-Holland", "NL-ZH", 51.90, 4.45, "30## @@", ("chemicals", "palm_refinery"), ("",)),
    City("Veghel", "Noord-Brabant", "NL-NB", 51.62, 5.55, "546# @@", ("food", "packaging"), ("",)),
    City("Tilburg", "Noord-Brabant", "NL-NB", 51.56, 5.09, "50## @@", ("packaging",), ("",)),
)

KINDS = (
    Kind("cocoa_processing", 4, ("Cacao", "Cacaofabriek", "Cocoa Processing")),
    Kind("coffee_processing", 1, ("Koffie", "Koffiebranderij")),
    Kind("dairy", 3, ("Zuivel", "Kaasmakerij"), items=("Cheese", "Milk powder", "Whey powder")),
    Kind("chemicals", 2, ("Chemie", "Chemicals")),
    Kind("palm_refinery", 1, ("Oils & Fats", "Raffinaderij"), items=("RBD palm oil", "Palm olein")),
    Kind("food", 2, ("Voedingsmiddelen", "Foods"), items=("Sauces", "Snacks", "Fruit preparations")),
    Kind("packaging", 3, ("Verpakkingen", "Kartonnage", "Packaging")),
)

COUNTRY = Country(
    code="NL",
    names=("Netherlands", "Nederland", "The Netherlands", "Holland"),
    weight=16,
    cities=CITIES,
    kinds=KINDS,
    trade=(
        "Zaanland",
        "De Hoop",
        "Noorderlicht",
        "Van den Bosch",
        "Dijkstra",
        "Veenstra",
        "Mulder & Zn.",
        "De Vlijt",
        "Polderland",
        "Waterland",
        "De Eendracht",
        "Oostwold",
    ),
    legal=("B.V.", "B.V.", "N.V."),
    name_fmt=(("{trade} {word} {legal}", "{trade} {word} {legal}"),),
    address_fmt=(("{street} {no}, {postcode} {city}", "{street} {no}, {postcode} {city}"),),
    branch_fmt=("{name} - {city}", "{name} - {city}"),
    streets=("Industrieweg", "Havenweg", "Energieweg", "Lagedijk", "Fabrieksweg", "Zuiderweg"),
)
