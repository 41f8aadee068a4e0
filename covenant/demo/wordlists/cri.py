"""Costa Rica: pineapples in the northern plains, bananas in Limón, coffee in Tarrazú
and the West Valley. Addresses by landmark, as Costa Ricans write them."""

from covenant.demo.wordlists._types import City, Country, Kind

CITIES = (
    City(
        "San Carlos",
        "Alajuela",
        "CR-A",
        10.45,
        -84.27,
        "21###",
        ("fruit",),
        ("Pital", "Aguas Zarcas", "Venecia"),
        weight=2,
    ),
    City("Buenos Aires", "Puntarenas", "CR-P", 9.17, -83.33, "60###", ("fruit",), ("Volcán", "Brunka")),
    City("Siquirres", "Limón", "CR-L", 10.10, -83.51, "71###", ("banana",), ("Pacuarito", "Cairo")),
    City("Matina", "Limón", "CR-L", 10.08, -83.29, "72###", ("banana",), ("Batán", "Carrandí")),
    City("Pococí", "Limón", "CR-L", 10.22, -83.78, "70###", ("banana", "fruit"), ("Guápiles", "Cariari")),
    City("Tarrazú", "San José", "CR-SJ", 9.66, -84.02, "105##", ("coffee",), ("San Marcos", "San Lorenzo")),
    City("Naranjo", "Alajuela", "CR-A", 10.10, -84.38, "206##", ("coffee",), ("San Juan", "Cirrí Sur")),
)

KINDS = (
    Kind("fruit", 6, ("Agrícola", "Piñas", "Exportadora"), items=("Fresh pineapples", "Golden pineapples")),
    Kind("banana", 4, ("Bananera", "Agrícola"), items=("Fresh bananas", "Organic bananas")),
    Kind(
        "coffee",
        4,
        ("Beneficio", "Café", "Cooperativa de Caficultores"),
        goods=("Coffee",),
        items=("Washed arabica (SHB)", "Honey-processed arabica"),
        name_fmt=(("Beneficio {trade}", "Beneficio {trade}"), ("{word} {trade} {legal}", "{word} {trade} {legal}")),
    ),
)

COUNTRY = Country(
    code="CR",
    names=("Costa Rica", "Republic of Costa Rica"),
    weight=12,
    cities=CITIES,
    kinds=KINDS,
    trade=(
        "La Gloria",
        "El Cortijo",
        "Santa Elena",
        "Los Ángeles",
        "La Providencia",
        "Monte Claro",
        "El Bosque",
        "Las Brisas",
        "Río Frío",
        "Dos Ríos",
        "La Rita",
    ),
    legal=("S.A.", "S.A.", "S.R.L."),
    name_fmt=(("{word} {trade} {legal}", "{word} {trade} {legal}"),),
    address_fmt=(
        (
            "{n2}00 m norte de la iglesia católica, {area}, {city}, {region}",
            "{n2}00 m north of the Catholic church, {area}, {city}, {region}",
        ),
        (
            "{n3} km al este de la escuela, {area}, {city}, {region}",
            "{n3} km east of the school, {area}, {city}, {region}",
        ),
    ),
)
