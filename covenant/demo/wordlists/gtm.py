"""Guatemala: coffee in Huehuetenango, Antigua and Atitlán; sugar on the Pacific coast;
bananas in Izabal; garment maquilas around the capital."""

from covenant.demo.wordlists._types import City, Country, Kind

CITIES = (
    City(
        "La Libertad",
        "Huehuetenango",
        "GT-13",
        15.51,
        -91.86,
        "13###",
        ("coffee",),
        ("Aldea El Injerto", "Aldea Chalhuitz"),
    ),
    City(
        "Antigua Guatemala",
        "Sacatepéquez",
        "GT-03",
        14.56,
        -90.73,
        "03###",
        ("coffee",),
        ("Aldea San Miguel Escobar", "Aldea San Cristóbal El Alto"),
    ),
    City("San Pedro La Laguna", "Sololá", "GT-07", 14.69, -91.27, "07###", ("coffee",), ("Cantón Chuasanahí",)),
    City(
        "Santa Lucía Cotzumalguapa",
        "Escuintla",
        "GT-05",
        14.33,
        -91.02,
        "05###",
        ("sugar",),
        ("Carretera al Pacífico",),
    ),
    City("Morales", "Izabal", "GT-18", 15.47, -88.82, "18###", ("banana",), ("Finca Bobos", "Aldea Navajoa")),
    City(
        "Villa Nueva",
        "Guatemala",
        "GT-01",
        14.53,
        -90.59,
        "01064",
        ("garment",),
        ("Zona 8", "Zona 4", "Parque Industrial Bárcenas"),
    ),
    City(
        "Chimaltenango",
        "Chimaltenango",
        "GT-04",
        14.66,
        -90.82,
        "04001",
        ("garment",),
        ("Zona 2", "Zona 3"),
    ),
)

_KM = (("Km {km}, {area}, {city}, {region}", "Km {km}, {area}, {city}, {region}"),)

KINDS = (
    Kind(
        "coffee",
        5,
        ("Café", "Beneficio"),
        goods=("Coffee",),
        items=("Washed arabica (SHB)", "Specialty green coffee"),
        name_fmt=(
            ("Finca {trade}", "Finca {trade}"),
            ("Cooperativa Agrícola {trade} R.L.", "Cooperativa Agrícola {trade} R.L."),
        ),
        address_fmt=(("{area}, {city}, {region}", "{area}, {city}, {region}"),),
    ),
    Kind(
        "sugar",
        2,
        ("Ingenio",),
        goods=("Sugarcane",),
        name_fmt=(("Ingenio {trade} {legal}", "Ingenio {trade} {legal}"),),
        address_fmt=_KM,
    ),
    Kind("banana", 2, ("Bananera", "Agrícola"), items=("Fresh bananas",), address_fmt=_KM),
    Kind("garment", 3, ("Textiles", "Confecciones", "Apparel")),
)

COUNTRY = Country(
    code="GT",
    names=("Guatemala", "Republic of Guatemala"),
    weight=10,
    cities=CITIES,
    kinds=KINDS,
    trade=(
        "Santa Isabel",
        "El Pilar",
        "La Soledad",
        "San Sebastián",
        "Los Volcanes",
        "Chojolá",
        "La Esperanza",
        "Buena Vista",
        "El Tesoro",
        "Maya Quiché",
        "Pacayá",
        "Las Nubes",
    ),
    legal=("S.A.", "S.A.", "Sociedad Anónima"),
    name_fmt=(("{word} {trade} {legal}", "{word} {trade} {legal}"),),
    address_fmt=(
        ("{n3} Avenida {n2}-{no}, {area}, {city}, {region}", "{n3} Avenida {n2}-{no}, {area}, {city}, {region}"),
        ("{n3} Calle {n2}-{no}, {area}, {city}, {region}", "{n3} Calle {n2}-{no}, {area}, {city}, {region}"),
    ),
)
