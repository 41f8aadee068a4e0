"""Chile: table grapes, cherries, blueberries and apples in the central valley;
salmon in Los Lagos."""

from covenant.demo.wordlists._types import City, Country, Kind

CITIES = (
    City(
        "Rancagua",
        "Región de O'Higgins",
        "CL-LI",
        -34.17,
        -70.74,
        "28#####",
        ("fruit",),
        ("Camino Lo Miranda", "Doñihue", "Requínoa"),
        weight=2,
    ),
    City(
        "Curicó",
        "Región del Maule",
        "CL-ML",
        -34.98,
        -71.24,
        "33#####",
        ("fruit",),
        ("Camino a Zapallar", "Romeral", "Sagrada Familia"),
    ),
    City(
        "Los Andes",
        "Región de Valparaíso",
        "CL-VS",
        -32.83,
        -70.60,
        "21#####",
        ("fruit",),
        ("Calle Larga", "Rinconada", "San Esteban"),
    ),
    City(
        "Buin",
        "Región Metropolitana",
        "CL-RM",
        -33.73,
        -70.74,
        "95#####",
        ("fruit",),
        ("Camino Padre Hurtado", "Maipo"),
    ),
    City(
        "Puerto Montt",
        "Región de Los Lagos",
        "CL-LL",
        -41.47,
        -72.94,
        "54#####",
        ("seafood",),
        ("Chinquihue", "Parque Industrial Cardonal"),
    ),
)

KINDS = (
    Kind(
        "fruit",
        8,
        ("Frutícola", "Exportadora", "Agrícola"),
        items=("Table grapes", "Fresh cherries", "Fresh blueberries", "Apples", "Kiwifruit"),
        address_fmt=(
            ("Fundo {trade}, {area} Km {km}, {city}, {region}", "Fundo {trade}, {area} Km {km}, {city}, {region}"),
        ),
    ),
    Kind("seafood", 2, ("Salmones", "Acuícola", "Pesquera"), items=("Atlantic salmon fillets", "Frozen mussels")),
)

COUNTRY = Country(
    code="CL",
    names=("Chile", "Republic of Chile"),
    weight=12,
    cities=CITIES,
    kinds=KINDS,
    trade=(
        "Santa Cruz",
        "El Almendro",
        "Los Robles",
        "San Francisco",
        "Las Araucarias",
        "Cordillera",
        "Valle Central",
        "Aconcagua",
        "Maipo",
        "Los Lirios",
        "El Boldo",
    ),
    legal=("SpA", "S.A.", "Ltda."),
    name_fmt=(("{word} {trade} {legal}", "{word} {trade} {legal}"),),
    address_fmt=(("{area} {no}, {city}, {region}", "{area} {no}, {city}, {region}"),),
)
