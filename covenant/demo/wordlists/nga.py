"""Nigeria: cocoa in Ondo, Osun and Cross River; food factories in Lagos and Ogun."""

from covenant.demo.wordlists._types import City, Country, Kind

CITIES = (
    City("Akure", "Ondo State", "NG-ON", 7.25, 5.19, "340###", ("cocoa",), ("Idanre", "Owena", "Ile-Oluji", "Ijare")),
    City("Ondo", "Ondo State", "NG-ON", 7.09, 4.84, "351###", ("cocoa",), ("Bolorunduro", "Fagun")),
    City("Ile-Ife", "Osun State", "NG-OS", 7.48, 4.56, "220###", ("cocoa",), ("Ipetumodu", "Edunabon")),
    City("Ikom", "Cross River State", "NG-CR", 5.96, 8.71, "541###", ("cocoa",), ("Ajassor", "Nde")),
    City(
        "Ikeja",
        "Lagos State",
        "NG-LA",
        6.60,
        3.35,
        "100###",
        ("food", "packaging"),
        ("Ikeja Industrial Estate", "Oregun", "Ilupeju Industrial Estate"),
    ),
    City(
        "Ota",
        "Ogun State",
        "NG-OG",
        6.69,
        3.23,
        "112###",
        ("food", "packaging"),
        ("Agbara Industrial Estate", "Idiroko Road"),
    ),
)

KINDS = (
    Kind(
        "cocoa",
        6,
        ("Cocoa Farmers Multipurpose Cooperative Society", "Cocoa Producers Union"),
        goods=("Cocoa",),
        name_fmt=(("{area} {trade} {word} Ltd", "{area} {trade} {word} Ltd"),),
        trade=("Ifelodun", "Irepodun", "Oluwaseun", "Ajoseye", "Ebenezer", "Unity", "Progressive"),
        address_fmt=(("Km {km}, {city}-{area} Road, {region}", "Km {km}, {city}-{area} Road, {region}"),),
    ),
    Kind("food", 2, ("Foods", "Biscuits", "Agro-Allied Industries"), items=("Biscuits", "Instant noodles", "Snacks")),
    Kind("packaging", 1, ("Packaging", "Plastics", "Cartons")),
)

COUNTRY = Country(
    code="NG",
    names=("Nigeria", "Federal Republic of Nigeria"),
    weight=8,
    cities=CITIES,
    kinds=KINDS,
    trade=(
        "Niger Delta",
        "Oduduwa",
        "Zenith Agro",
        "Olokun",
        "Arewa",
        "Benue Valley",
        "Afrique",
        "Mainland",
        "Ogun River",
        "Sapphire Coast",
    ),
    legal=("Limited", "Nigeria Limited", "Ltd"),
    name_fmt=(("{trade} {word} {legal}", "{trade} {word} {legal}"),),
    address_fmt=(
        ("{no}, {area}, {city}, {region} {postcode}", "{no}, {area}, {city}, {region} {postcode}"),
        ("Plot {no}, {area}, {city}, {region}", "Plot {no}, {area}, {city}, {region}"),
    ),
)
