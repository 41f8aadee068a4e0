"""Colombia: coffee in Huila, Antioquia, Caldas and Cauca; bananas in Urabá and
Magdalena; cut flowers on the Bogotá savanna; sugar in Valle del Cauca."""

from covenant.demo.wordlists._types import City, Country, Kind

CITIES = (
    City(
        "Pitalito",
        "Huila",
        "CO-HUI",
        1.85,
        -76.05,
        "417###",
        ("coffee",),
        ("Vereda Criollo", "Vereda Bruselas", "Vereda Charguayaco"),
        weight=2,
    ),
    City(
        "Andes", "Antioquia", "CO-ANT", 5.66, -75.88, "056###", ("coffee",), ("Vereda San Bartolo", "Vereda Santa Inés")
    ),
    City(
        "Chinchiná",
        "Caldas",
        "CO-CAL",
        4.98,
        -75.60,
        "176###",
        ("coffee", "coffee_processing"),
        ("Vereda La Floresta", "Zona Industrial"),
    ),
    City("Popayán", "Cauca", "CO-CAU", 2.44, -76.61, "190###", ("coffee",), ("Vereda Cajete", "Vereda La Rejoya")),
    City(
        "Apartadó",
        "Antioquia",
        "CO-ANT",
        7.88,
        -76.63,
        "057###",
        ("banana",),
        ("Zona Bananera", "Vereda Churidó", "Vereda Zungo"),
    ),
    City(
        "Ciénaga",
        "Magdalena",
        "CO-MAG",
        11.01,
        -74.25,
        "478###",
        ("banana",),
        ("Corregimiento Sevilla", "Zona Bananera"),
    ),
    City(
        "Madrid",
        "Cundinamarca",
        "CO-CUN",
        4.73,
        -74.26,
        "250###",
        ("flowers",),
        ("Vereda Puente de Piedra", "Vereda La Punta"),
    ),
    City(
        "Facatativá",
        "Cundinamarca",
        "CO-CUN",
        4.81,
        -74.35,
        "253###",
        ("flowers",),
        ("Vereda Mancilla", "Vereda La Tribuna"),
    ),
    City(
        "Rionegro",
        "Antioquia",
        "CO-ANT",
        6.15,
        -75.37,
        "054###",
        ("flowers",),
        ("Vereda Cabeceras", "Vereda Llanogrande"),
    ),
    City(
        "Palmira", "Valle del Cauca", "CO-VAC", 3.54, -76.30, "763###", ("sugar",), ("Corregimiento Rozo", "Zona Rural")
    ),
    City(
        "Medellín",
        "Antioquia",
        "CO-ANT",
        6.24,
        -75.58,
        "050###",
        ("garment", "coffee_processing"),
        ("Guayabal", "Itagüí", "Barrio Colombia"),
    ),
)

_RURAL = (("Finca {trade}, {area}, {city}, {region}", "Finca {trade}, {area}, {city}, {region}"),)

KINDS = (
    Kind(
        "coffee",
        10,
        ("Café", "Caficultores", "Cafés Especiales"),
        goods=("Coffee",),
        items=("Washed arabica (Excelso)", "Specialty green coffee"),
        name_fmt=(
            ("Finca {trade}", "Finca {trade}"),
            ("Asociación de Caficultores {trade}", "Asociación de Caficultores {trade}"),
        ),
        address_fmt=_RURAL,
    ),
    Kind("coffee_processing", 2, ("Trilladora", "Exportadora de Café", "Cafés de Colombia")),
    Kind(
        "banana",
        5,
        ("Bananera", "Agrícola", "Comercializadora Internacional"),
        name_fmt=(("Finca {trade}", "Finca {trade}"), ("{word} {trade} {legal}", "{word} {trade} {legal}")),
        address_fmt=_RURAL,
    ),
    Kind("flowers", 5, ("Flores", "Flores de la Sabana", "Rosas"), address_fmt=_RURAL),
    Kind(
        "sugar",
        2,
        ("Ingenio", "Azúcares"),
        goods=("Sugarcane",),
        name_fmt=(("Ingenio {trade} {legal}", "Ingenio {trade} {legal}"),),
        address_fmt=(
            (
                "Km {km} Vía Palmira - Pradera, {area}, {city}, {region}",
                "Km {km} Vía Palmira - Pradera, {area}, {city}, {region}",
            ),
        ),
    ),
    Kind("garment", 2, ("Confecciones", "Textiles", "Moda")),
)

COUNTRY = Country(
    code="CO",
    names=("Colombia", "Republic of Colombia", "Colombia"),
    weight=30,
    cities=CITIES,
    kinds=KINDS,
    trade=(
        "La Esperanza",
        "El Paraíso",
        "Santa Bárbara",
        "Los Naranjos",
        "Buenavista",
        "La Palma",
        "El Porvenir",
        "Villa María",
        "San Isidro",
        "Monteverde",
        "Altamira",
        "La Cabaña",
        "El Recreo",
        "Las Margaritas",
        "El Diviso",
        "La Primavera",
    ),
    legal=("S.A.S.", "S.A.S.", "S.A.", "Ltda."),
    name_fmt=(("{word} {trade} {legal}", "{word} {trade} {legal}"),),
    address_fmt=(
        ("Calle {no} # {n2}-{n3}, {area}, {city}, {region}", "Calle {no} # {n2}-{n3}, {area}, {city}, {region}"),
        ("Carrera {no} # {n2}-{n3}, {area}, {city}, {region}", "Carrera {no} # {n2}-{n3}, {area}, {city}, {region}"),
    ),
)
