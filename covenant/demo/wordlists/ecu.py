"""Ecuador: bananas in El Oro, Los Ríos and Guayas; roses in Pichincha and Cotopaxi;
fine-flavour cocoa in Manabí; shrimp in Guayas."""

from covenant.demo.wordlists._types import City, Country, Kind

CITIES = (
    City(
        "Machala",
        "El Oro",
        "EC-O",
        -3.26,
        -79.96,
        "070###",
        ("banana",),
        ("Vía Machala-Pasaje", "Recinto El Guabo", "Recinto La Iberia"),
        weight=2,
    ),
    City(
        "Babahoyo",
        "Los Ríos",
        "EC-R",
        -1.80,
        -79.53,
        "120###",
        ("banana", "cocoa"),
        ("Vía Babahoyo-Montalvo", "Recinto Pimocha"),
    ),
    City(
        "Quevedo",
        "Los Ríos",
        "EC-R",
        -1.03,
        -79.46,
        "120###",
        ("banana",),
        ("Vía Quevedo-Valencia", "Recinto San Carlos"),
    ),
    City(
        "Milagro",
        "Guayas",
        "EC-G",
        -2.13,
        -79.59,
        "091###",
        ("banana",),
        ("Vía Milagro-Naranjito", "Recinto Los Monos"),
    ),
    City(
        "Durán",
        "Guayas",
        "EC-G",
        -2.17,
        -79.84,
        "092###",
        ("seafood",),
        ("Vía Durán-Tambo", "Parque Industrial El Recreo"),
    ),
    City(
        "Cayambe",
        "Pichincha",
        "EC-P",
        0.04,
        -78.15,
        "100###",
        ("flowers",),
        ("Parroquia Juan Montalvo", "Parroquia Ayora"),
    ),
    City(
        "Latacunga",
        "Cotopaxi",
        "EC-X",
        -0.93,
        -78.62,
        "050###",
        ("flowers",),
        ("Parroquia Tanicuchí", "Parroquia Mulaló"),
    ),
    City("Calceta", "Manabí", "EC-M", -0.84, -80.17, "131###", ("cocoa",), ("Sitio El Limón", "Sitio Quiroga")),
)

_RURAL = (("Hacienda {trade}, {area}, {city}, {region}", "Hacienda {trade}, {area}, {city}, {region}"),)

KINDS = (
    Kind(
        "banana",
        10,
        ("Bananera", "Agrícola", "Exportadora"),
        goods=("Bananas",),
        name_fmt=(("Hacienda {trade}", "Hacienda {trade}"), ("{word} {trade} {legal}", "{word} {trade} {legal}")),
        address_fmt=_RURAL,
    ),
    Kind(
        "flowers",
        5,
        ("Flores", "Rosas", "Flowers"),
        goods=("Flowers",),
        items=("Cut roses", "Spray roses", "Gypsophila"),
    ),
    Kind(
        "cocoa",
        3,
        ("Cacao", "Asociación de Cacaoteros"),
        items=("Cocoa beans (Nacional)",),
        name_fmt=(("Asociación de Productores de Cacao {trade}", "Asociación de Productores de Cacao {trade}"),),
        address_fmt=_RURAL,
    ),
    Kind(
        "seafood", 3, ("Camaronera", "Exportadora de Mariscos", "Empacadora"), items=("Frozen shrimp", "Head-on shrimp")
    ),
)

COUNTRY = Country(
    code="EC",
    names=("Ecuador", "Republic of Ecuador"),
    weight=18,
    cities=CITIES,
    kinds=KINDS,
    trade=(
        "San Gabriel",
        "La Clementina",
        "Los Álamos",
        "El Rosario",
        "Santa Lucía",
        "La Julia",
        "El Carmen",
        "San Rafael",
        "Las Palmeras",
        "Guayacán",
        "Chimborazo",
        "Pacífico",
    ),
    legal=("S.A.", "S.A.", "Cía. Ltda."),
    name_fmt=(("{word} {trade} {legal}", "{word} {trade} {legal}"),),
    address_fmt=(("Km {km} {area}, {city}, {region}", "Km {km} {area}, {city}, {region}"),),
)
