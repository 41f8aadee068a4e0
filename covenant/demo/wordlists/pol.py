"""Poland: garments in Łódź, frozen fruit and vegetables in Mazovia and Lublin, poultry
in Greater Poland, candles and furniture, cosmetics in Podlasie."""

from covenant.demo.wordlists._types import City, Country, Kind

CITIES = (
    City("Łódź", "łódzkie", "PL-10", 51.76, 19.46, "9#-###", ("garment", "personal_care"), ("",)),
    City("Grójec", "mazowieckie", "PL-14", 51.87, 20.87, "05-600", ("food",), ("",)),
    City("Lublin", "lubelskie", "PL-06", 51.25, 22.57, "20-###", ("food",), ("",)),
    City("Września", "wielkopolskie", "PL-30", 52.33, 17.57, "62-300", ("meat",), ("",)),
    City("Swarzędz", "wielkopolskie", "PL-30", 52.41, 17.08, "62-020", ("furniture",), ("",)),
    City("Gdańsk", "pomorskie", "PL-22", 54.35, 18.65, "80-###", ("homeware", "packaging"), ("",)),
    City("Białystok", "podlaskie", "PL-20", 53.13, 23.16, "15-###", ("personal_care",), ("",)),
    City("Wrocław", "dolnośląskie", "PL-02", 51.11, 17.03, "5#-###", ("household", "packaging"), ("",)),
)

KINDS = (
    Kind("garment", 4, (("Zakład Odzieżowy", "Garment Factory"), ("Szwalnia", "Sewing Plant"), ("Odzież", "Clothing"))),
    Kind(
        "food",
        5,
        (
            ("Przetwórnia Owoców i Warzyw", "Fruit & Vegetable Processing"),
            ("Chłodnia", "Cold Store"),
            ("Mrożonki", "Frozen Foods"),
        ),
        items=("Frozen vegetables", "Frozen raspberries", "Apple juice concentrate"),
    ),
    Kind(
        "meat",
        3,
        (("Zakłady Drobiarskie", "Poultry Plant"), ("Zakłady Mięsne", "Meat Plant")),
        items=("Chicken breast fillets", "Frozen chicken"),
    ),
    Kind("furniture", 2, (("Fabryka Mebli", "Furniture Factory"), ("Meble", "Furniture"))),
    Kind(
        "homeware",
        3,
        (("Fabryka Świec", "Candle Factory"), ("Wyroby Szklane", "Glassworks")),
        items=("Candles", "Tea lights", "Glassware"),
    ),
    Kind("personal_care", 3, (("Kosmetyki", "Cosmetics"), ("Laboratorium Kosmetyczne", "Cosmetics Laboratory"))),
    Kind("household", 2, (("Chemia Gospodarcza", "Household Chemicals"),)),
    Kind("packaging", 2, (("Opakowania", "Packaging"), ("Tektura", "Corrugated Board"))),
)

COUNTRY = Country(
    code="PL",
    names=("Poland", "Polska", "Polen", "Republic of Poland"),
    weight=24,
    cities=CITIES,
    kinds=KINDS,
    trade=(
        "Kowalski",
        "Nowak",
        "Wiśniewski",
        "Wójcik",
        "Zieliński",
        "Mazur",
        "Krawczyk",
        "Jabłoński",
        "Pawlak",
        "Sadowski",
        "Dąbrowski",
        "Wolski",
        "Mazowsze",
        "Warta",
        "Wisła",
        "Bałtyk",
        "Polmark",
        "Sokół",
        "Jantar",
        "Zorza",
    ),
    legal=("Sp. z o.o.", "Sp. z o.o.", "S.A.", "Sp. j."),
    name_fmt=(("{word} {trade} {legal}", "{trade} {word} {legal}"),),
    address_fmt=(("ul. {street} {no}, {postcode} {city}", "ul. {street} {no}, {postcode} {city}"),),
    streets=("Przemysłowa", "Fabryczna", "Kolejowa", "Polna", "Łąkowa", "Składowa", "Mickiewicza", "Sienkiewicza"),
    branch_fmt=("{name} Zakład nr {n}", "{name} Plant No. {n}"),
    fold=True,
)
