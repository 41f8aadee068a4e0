"""Kenya: tea in Kericho, Nandi and Mt Kenya; coffee cooperatives in Kiambu and Nyeri;
roses around Lake Naivasha and Mt Kenya; garments in the Athi River EPZ."""

from covenant.demo.wordlists._types import City, Country, Kind

CITIES = (
    City(
        "Kericho",
        "Kericho County",
        "KE-12",
        -0.37,
        35.28,
        "20200",
        ("tea",),
        ("Kapsoit", "Chagaik", "Kaptebengwet", "Litein"),
        weight=2,
    ),
    City("Nandi Hills", "Nandi County", "KE-32", 0.10, 35.18, "30301", ("tea",), ("Kapsumbeiwa", "Savani", "Chemomi")),
    City(
        "Nyeri",
        "Nyeri County",
        "KE-36",
        -0.42,
        36.95,
        "10100",
        ("tea", "coffee"),
        ("Othaya", "Mukurwe-ini", "Tetu", "Karatina"),
    ),
    City(
        "Murang'a", "Murang'a County", "KE-29", -0.72, 37.15, "10200", ("tea", "fruit"), ("Kangema", "Kiharu", "Makuyu")
    ),
    City("Kiambu", "Kiambu County", "KE-13", -1.17, 36.83, "00900", ("coffee",), ("Gatundu", "Ruiru", "Githunguri")),
    City(
        "Thika",
        "Kiambu County",
        "KE-13",
        -1.03,
        37.07,
        "01000",
        ("flowers", "fruit", "coffee"),
        ("Kakuzi", "Gatanga Road", "Makongeni"),
    ),
    City(
        "Kerugoya",
        "Kirinyaga County",
        "KE-15",
        -0.50,
        37.28,
        "10300",
        ("coffee", "tea"),
        ("Kagumo", "Kutus", "Kianyaga"),
    ),
    City(
        "Naivasha",
        "Nakuru County",
        "KE-31",
        -0.72,
        36.43,
        "20117",
        ("flowers",),
        ("Moi South Lake Road", "Kongoni", "Karagita"),
        weight=2,
    ),
    City("Nanyuki", "Laikipia County", "KE-20", 0.01, 37.07, "10400", ("flowers", "fruit"), ("Timau", "Likii")),
    City(
        "Athi River",
        "Machakos County",
        "KE-22",
        -1.45,
        36.98,
        "00204",
        ("garment",),
        ("Export Processing Zone", "Kitengela Road"),
    ),
)

KINDS = (
    Kind(
        "tea",
        8,
        ("Tea Factory Company Ltd", "Tea Estate", "Tea Growers"),
        goods=("Tea",),
        name_fmt=(("{area} {word}", "{area} {word}"), ("{trade} {word}", "{trade} {word}")),
    ),
    Kind(
        "coffee",
        5,
        ("Farmers' Cooperative Society Ltd", "Coffee Growers Cooperative Society"),
        goods=("Coffee",),
        items=("Washed arabica (SL28/SL34)", "Arabica green coffee AA"),
        name_fmt=(("{area} {word}", "{area} {word}"), ("{trade} {word}", "{trade} {word}")),
    ),
    Kind("flowers", 6, ("Flowers", "Roses", "Farm", "Horticulture")),
    Kind("fruit", 3, ("Fresh Produce", "Horticulture", "Growers"), items=("French beans", "Avocados", "Snow peas")),
    Kind("garment", 2, ("Apparel", "Garments EPZ")),
)

COUNTRY = Country(
    code="KE",
    names=("Kenya", "Republic of Kenya", "Kenia"),
    weight=24,
    cities=CITIES,
    kinds=KINDS,
    trade=(
        "Kilima",
        "Mlima",
        "Baraka",
        "Jamii",
        "Neema",
        "Tumaini",
        "Upendo",
        "Amani",
        "Savanna",
        "Rift Valley",
        "Simba",
        "Twiga",
        "Nyota",
        "Sunrise Highlands",
        "Mawingu",
        "Jua Kali",
    ),
    legal=("Ltd", "Limited", "EPZ Ltd"),
    name_fmt=(("{trade} {word} {legal}", "{trade} {word} {legal}"),),
    address_fmt=(
        ("P.O. Box {no}-{postcode}, {area}, {city}", "P.O. Box {no}-{postcode}, {area}, {city}"),
        ("L.R. No. {no}/{n2}, {area}, {region}", "L.R. No. {no}/{n2}, {area}, {region}"),
    ),
    branch_fmt=("{name} - Unit {n}", "{name} - Unit {n}"),
)
