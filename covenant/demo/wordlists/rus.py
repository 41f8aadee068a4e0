"""Russia: home textiles in Ivanovo, food in Krasnodar, packaging near Moscow."""

from covenant.demo.wordlists._types import City, Country, Kind

CITIES = (
    City(
        ("Иваново", "Ivanovo"),
        ("Ивановская обл.", "Ivanovo Oblast"),
        "RU-IVA",
        57.00,
        40.97,
        "153###",
        ("home_textile", "garment"),
        (("", ""),),
    ),
    City(
        ("Краснодар", "Krasnodar"),
        ("Краснодарский край", "Krasnodar Krai"),
        "RU-KDA",
        45.04,
        38.98,
        "350###",
        ("food",),
        (("", ""),),
    ),
    City(
        ("Подольск", "Podolsk"),
        ("Московская обл.", "Moscow Oblast"),
        "RU-MOS",
        55.43,
        37.54,
        "142###",
        ("packaging",),
        (("", ""),),
    ),
)

KINDS = (
    Kind("home_textile", 3, (("Текстиль", "Tekstil"), ("Лён", "Lyon")), items=("Bed linen", "Terry towels")),
    Kind("garment", 1, (("Трикотаж", "Trikotazh"), ("Стиль", "Stil"), ("Мода", "Moda"))),
    Kind("food", 2, (("Агро", "Agro"), ("Продукт", "Produkt")), items=("Sunflower oil", "Sugar")),
    Kind("packaging", 1, (("Пак", "Pak"), ("Упаковка", "Upakovka"))),
)

COUNTRY = Country(
    code="RU",
    names=("Russia", "Russian Federation", "Rusland", "Россия"),
    weight=6,
    cities=CITIES,
    kinds=KINDS,
    trade=(
        ("Северная звезда", "Severnaya Zvezda"),
        ("Волга", "Volga"),
        ("Ивтекс", "Ivteks"),
        ("Кубань", "Kuban"),
        ("Родник", "Rodnik"),
        ("Заря", "Zarya"),
        ("Ладога", "Ladoga"),
        ("Берёзка", "Beryozka"),
        ("Юг", "Yug"),
    ),
    legal=(("ООО", "LLC"), ("ООО", "LLC"), ("АО", "JSC")),
    name_fmt=(("{legal} «{trade}-{word}»", "{trade}-{word} {legal}"),),
    address_fmt=(
        ("{postcode}, {region}, г. {city}, ул. {street}, д. {no}", "{no} {street} St., {city}, {region}, {postcode}"),
    ),
    streets=(
        ("Ленина", "Lenina"),
        ("Фабричная", "Fabrichnaya"),
        ("Промышленная", "Promyshlennaya"),
        ("Садовая", "Sadovaya"),
        ("Советская", "Sovetskaya"),
    ),
    group_fmt=("Группа компаний «{trade}»", "{trade} Group"),
)
