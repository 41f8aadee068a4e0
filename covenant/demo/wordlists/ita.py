"""Italy: tomato processing in Emilia and Campania, tomatoes in Foggia, hazelnuts in the
Langhe, tanneries in Santa Croce and Arzignano, garments in Prato, cosmetics in Lombardy."""

from covenant.demo.wordlists._types import City, Country, Kind

CITIES = (
    City("Parma", "PR", "IT-PR", 44.80, 10.33, "431##", ("food",), ("",)),
    City("Angri", "SA", "IT-SA", 40.74, 14.57, "84012", ("food",), ("",)),
    City("Foggia", "FG", "IT-FG", 41.46, 15.55, "71121", ("fruit",), ("Borgo Tressanti", "Borgo Mezzanone")),
    City("Alba", "CN", "IT-CN", 44.70, 8.03, "12051", ("nuts",), ("",)),
    City("Santa Croce sull'Arno", "PI", "IT-PI", 43.71, 10.78, "56029", ("leather",), ("",)),
    City("Arzignano", "VI", "IT-VI", 45.52, 11.33, "36071", ("leather",), ("",)),
    City("Prato", "PO", "IT-PO", 43.88, 11.10, "59100", ("garment", "textile"), ("Macrolotto",), weight=2),
    City("Crema", "CR", "IT-CR", 45.36, 9.69, "26013", ("personal_care",), ("",)),
    City("Bari", "BA", "IT-BA", 41.12, 16.87, "701##", ("food_olive",), ("Zona Industriale",)),
    City("Bergamo", "BG", "IT-BG", 45.70, 9.67, "241##", ("packaging", "chemicals"), ("",)),
)

KINDS = (
    Kind("food", 4, ("Conserve", "Alimentari", "Pomodoro"), items=("Tomato paste", "Passata", "Peeled tomatoes")),
    Kind("food_olive", 2, ("Oleificio", "Olearia"), base="food", items=("Extra virgin olive oil",)),
    Kind("fruit", 2, ("Agricola", "Ortofrutta"), items=("Processing tomatoes", "Fresh tomatoes")),
    Kind("nuts", 2, ("Nocciole", "Dolciaria"), items=("Hazelnut paste", "Roasted hazelnut kernels")),
    Kind("leather", 3, ("Conceria",)),
    Kind("garment", 5, ("Confezioni", "Moda", "Maglificio")),
    Kind("textile", 2, ("Lanificio", "Tessile", "Filati")),
    Kind("personal_care", 3, ("Cosmetici", "Cosmetica", "Laboratori Cosmetici")),
    Kind("packaging", 2, ("Imballaggi", "Cartotecnica")),
    Kind("chemicals", 1, ("Chimica", "Specialità Chimiche")),
)

COUNTRY = Country(
    code="IT",
    names=("Italy", "Italia", "Italië"),
    weight=28,
    cities=CITIES,
    kinds=KINDS,
    trade=(
        "Rossi",
        "Bianchi",
        "Esposito",
        "Romano",
        "Colombo",
        "Ricci",
        "Marino",
        "Greco",
        "Bruno",
        "Gallo",
        "Conti",
        "De Luca",
        "F.lli Russo",
        "Padana",
        "Tirrena",
        "Adriatica",
        "Appennino",
        "Stella",
        "Aurora Sud",
        "Valdarno",
    ),
    legal=("S.r.l.", "S.r.l.", "S.p.A.", "S.a.s."),
    name_fmt=(("{word} {trade} {legal}", "{word} {trade} {legal}"),),
    address_fmt=(
        (
            "Via {street}, {no}, {area}, {postcode} {city} ({region})",
            "Via {street}, {no}, {area}, {postcode} {city} ({region})",
        ),
    ),
    streets=(
        "dell'Industria",
        "Roma",
        "Garibaldi",
        "dell'Artigianato",
        "Emilia",
        "delle Concerie",
        "dei Mille",
        "Nazionale",
    ),
    branch_fmt=("{name} - Stabilimento {n}", "{name} - Stabilimento {n}"),
)
