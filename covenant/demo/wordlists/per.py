"""Peru: avocados, blueberries, asparagus and grapes on the coast (La Libertad, Ica,
Piura); coffee and cocoa in Junín, Cajamarca and San Martín; knitwear in Lima."""

from covenant.demo.wordlists._types import City, Country, Kind

CITIES = (
    City(
        "Chao",
        "La Libertad",
        "PE-LAL",
        -8.54,
        -78.68,
        "13###",
        ("fruit",),
        ("Carretera Panamericana Norte", "Sector Chavimochic"),
        weight=2,
    ),
    City(
        "Ica",
        "Ica",
        "PE-ICA",
        -14.07,
        -75.73,
        "11###",
        ("fruit",),
        ("Carretera Panamericana Sur", "Santiago", "Pampa de Villacurí"),
    ),
    City("Piura", "Piura", "PE-PIU", -5.19, -80.63, "20###", ("fruit",), ("Valle del Chira", "Tambogrande")),
    City("La Merced", "Junín", "PE-JUN", -11.06, -75.33, "12###", ("coffee",), ("San Ramón", "Perené", "Pichanaqui")),
    City("Jaén", "Cajamarca", "PE-CAJ", -5.71, -78.81, "06###", ("coffee",), ("Huabal", "Las Pirias", "Chontalí")),
    City("Moyobamba", "San Martín", "PE-SAM", -6.03, -76.97, "22###", ("coffee",), ("Jepelacio", "Soritor")),
    City("Juanjuí", "San Martín", "PE-SAM", -7.18, -76.73, "22###", ("cocoa", "coffee"), ("Pachiza", "Huicungo")),
    City("Tocache", "San Martín", "PE-SAM", -8.19, -76.51, "22###", ("cocoa",), ("Nuevo Progreso", "Pólvora")),
    City(
        "Lima",
        "Lima",
        "PE-LIM",
        -12.05,
        -77.04,
        "15###",
        ("garment",),
        ("Ate", "La Victoria", "San Juan de Lurigancho"),
    ),
)

_COOP = ("Cooperativa Agraria {word} {trade} Ltda.", "Cooperativa Agraria {word} {trade} Ltda.")
_TOWN = (("Jr. {street} Nro. {no}, {area}, {city}, {region}", "Jr. {street} Nro. {no}, {area}, {city}, {region}"),)
_COAST = (
    (
        "Carretera Panamericana Km {km}, {area}, {city}, {region}",
        "Carretera Panamericana Km {km}, {area}, {city}, {region}",
    ),
)

KINDS = (
    Kind(
        "fruit",
        6,
        ("Agrícola", "Agroexportadora", "Frutos"),
        items=("Hass avocados", "Fresh blueberries", "Green asparagus", "Table grapes"),
        address_fmt=_COAST,
    ),
    Kind(
        "coffee",
        4,
        ("Cafetalera",),
        items=("Organic washed arabica", "Fairtrade green coffee"),
        name_fmt=(_COOP,),
        address_fmt=_TOWN,
    ),
    Kind("cocoa", 2, ("Cacaotera",), items=("Organic cocoa beans",), name_fmt=(_COOP,), address_fmt=_TOWN),
    Kind("garment", 2, ("Textil", "Confecciones", "Knitting")),
)

COUNTRY = Country(
    code="PE",
    names=("Peru", "Perú", "Republic of Peru"),
    weight=14,
    cities=CITIES,
    kinds=KINDS,
    trade=(
        "Sol de Olmos",
        "Valle Alto",
        "Santa Rosa",
        "Los Andes",
        "Inca Gold",
        "Pachamama",
        "Huascarán",
        "Nuevo Horizonte",
        "La Florida",
        "Cerro Verde",
        "Amazonas",
        "El Tambo",
    ),
    legal=("S.A.C.", "S.A.C.", "S.A."),
    name_fmt=(("{word} {trade} {legal}", "{word} {trade} {legal}"),),
    address_fmt=(
        ("Av. {street} Nro. {no}, {area}, {city}, {region}", "Av. {street} Nro. {no}, {area}, {city}, {region}"),
    ),
    streets=("Industrial", "Los Incas", "Grau", "Bolognesi", "Túpac Amaru"),
)
