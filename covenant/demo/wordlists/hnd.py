"""Honduras: coffee in Marcala and Copán, melons and shrimp in Choluteca, garment
maquilas in the Sula valley."""

from covenant.demo.wordlists._types import City, Country, Kind

CITIES = (
    City("Marcala", "La Paz", "HN-LP", 14.15, -88.03, "", ("coffee",), ("Aldea San Miguelito", "Chinacla")),
    City("Santa Rosa de Copán", "Copán", "HN-CP", 14.77, -88.78, "", ("coffee",), ("Aldea El Rosario", "Dulce Nombre")),
    City("Comayagua", "Comayagua", "HN-CM", 14.45, -87.64, "", ("coffee",), ("Siguatepeque", "Aldea Las Flores")),
    City(
        "Choluteca",
        "Choluteca",
        "HN-CH",
        13.30,
        -87.19,
        "",
        ("fruit", "seafood"),
        ("Carretera Panamericana", "Aldea Monjarás"),
    ),
    City(
        "Choloma",
        "Cortés",
        "HN-CR",
        15.61,
        -87.95,
        "",
        ("garment",),
        ("Zona Libre Inhdelva", "Parque Industrial ZIP Choloma"),
        weight=2,
    ),
    City("Villanueva", "Cortés", "HN-CR", 15.32, -88.00, "", ("garment",), ("Parque Industrial Villanueva",)),
)

KINDS = (
    Kind(
        "coffee",
        5,
        ("Café",),
        goods=("Coffee",),
        items=("Washed arabica (SHG)",),
        name_fmt=(
            ("Finca {trade}", "Finca {trade}"),
            ("Cooperativa Cafetalera {trade} Ltda.", "Cooperativa Cafetalera {trade} Ltda."),
            ("Beneficio {trade} {legal}", "Beneficio {trade} {legal}"),
        ),
        address_fmt=(("{area}, {city}, {region}", "{area}, {city}, {region}"),),
    ),
    Kind("fruit", 2, ("Agrícola", "Melones"), goods=("Melons",), items=("Cantaloupe melons",)),
    Kind("seafood", 1, ("Camaronera", "Acuícola"), items=("Frozen shrimp",)),
    Kind("garment", 4, ("Textiles", "Apparel", "Manufacturing")),
)

COUNTRY = Country(
    code="HN",
    names=("Honduras", "Republic of Honduras"),
    weight=10,
    cities=CITIES,
    kinds=KINDS,
    trade=(
        "San Antonio",
        "El Cedral",
        "Los Pinares",
        "La Montañita",
        "Lenca",
        "Opalaca",
        "Santa Elena",
        "El Guayabo",
        "Celaque",
        "Río Frío",
    ),
    legal=("S.A.", "S. de R.L.", "S.A. de C.V."),
    name_fmt=(("{word} {trade} {legal}", "{word} {trade} {legal}"),),
    address_fmt=(
        ("{area}, Km {km}, {city}, {region}", "{area}, Km {km}, {city}, {region}"),
        ("Bloque {lot}, {area}, {city}, {region}", "Bloque {lot}, {area}, {city}, {region}"),
    ),
)
