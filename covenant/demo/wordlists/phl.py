"""Philippines: bananas in Davao, tuna in General Santos, sugar in Negros, coconut in
Quezon, electronics and garments in Calabarzon."""

from covenant.demo.wordlists._types import City, Country, Kind

CITIES = (
    City(
        "Panabo City",
        "Davao del Norte",
        "PH-DAV",
        7.31,
        125.68,
        "8105",
        ("banana",),
        ("Barangay Kasilak", "Barangay San Vicente", "Barangay J.P. Laurel"),
        weight=2,
    ),
    City(
        "Tagum City",
        "Davao del Norte",
        "PH-DAV",
        7.45,
        125.81,
        "8100",
        ("banana",),
        ("Barangay Pagsabangan", "Barangay Madaum"),
    ),
    City(
        "Davao City",
        "Davao del Sur",
        "PH-DAS",
        7.07,
        125.61,
        "8000",
        ("banana", "food"),
        ("Barangay Tibungco", "Barangay Lasang", "Barangay Ilang"),
    ),
    City(
        "General Santos City",
        "South Cotabato",
        "PH-SCO",
        6.11,
        125.17,
        "9500",
        ("seafood",),
        ("Barangay Tambler", "Barangay Labangal", "Barangay Calumpang"),
    ),
    City(
        "Bacolod City",
        "Negros Occidental",
        "PH-NEC",
        10.68,
        122.96,
        "6100",
        ("sugar",),
        ("Barangay Alijis", "Barangay Mansilingan"),
    ),
    City(
        "Victorias City",
        "Negros Occidental",
        "PH-NEC",
        10.90,
        123.07,
        "6119",
        ("sugar",),
        ("Barangay XVIII", "Barangay Estado"),
    ),
    City(
        "Lucena City",
        "Quezon",
        "PH-QUE",
        13.94,
        121.62,
        "4301",
        ("food",),
        ("Barangay Isabang", "Barangay Ibabang Dupay"),
    ),
    City(
        "Calamba City",
        "Laguna",
        "PH-LAG",
        14.21,
        121.16,
        "4027",
        ("electronics", "garment"),
        ("Carmelray Industrial Park I, Barangay Canlubang", "Light Industry and Science Park II, Barangay La Mesa"),
    ),
    City(
        "Rosario",
        "Cavite",
        "PH-CAV",
        14.41,
        120.86,
        "4106",
        ("garment", "electronics"),
        ("Cavite Economic Zone, Barangay Tejero",),
    ),
)

_RURAL = (
    ("Purok {n3}, {area}, {city}, {region} {postcode}", "Purok {n3}, {area}, {city}, {region} {postcode}"),
    (
        "Km. {km} National Highway, {area}, {city}, {region} {postcode}",
        "Km. {km} National Highway, {area}, {city}, {region} {postcode}",
    ),
)

KINDS = (
    Kind(
        "banana", 8, ("Banana Growers", "Agri Ventures", "Fresh Fruit", "Farms"), goods=("Bananas",), address_fmt=_RURAL
    ),
    Kind("seafood", 4, ("Fishing", "Canning", "Seafoods"), goods=("Fish",), items=("Canned tuna", "Frozen tuna loins")),
    Kind("sugar", 3, ("Sugar Milling", "Sugar Central", "Agro-Industrial"), goods=("Sugarcane",), address_fmt=_RURAL),
    Kind(
        "food",
        3,
        ("Coconut Products", "Desiccated Coconut", "Agro Industrial"),
        goods=("Coconuts",),
        items=("Desiccated coconut", "Virgin coconut oil", "Coconut water"),
        address_fmt=_RURAL,
    ),
    Kind("electronics", 3, ("Electronics", "Technologies", "Semiconductor")),
    Kind("garment", 2, ("Garments", "Apparel Manufacturing")),
)

COUNTRY = Country(
    code="PH",
    names=("Philippines", "The Philippines", "Republic of the Philippines", "Pilipinas", "Filipijnen"),
    weight=18,
    cities=CITIES,
    kinds=KINDS,
    trade=(
        "Mindanao",
        "Pacific Rim",
        "Golden Harvest",
        "Bagong Silang",
        "Mabuhay",
        "Mayon",
        "Maharlika",
        "Tagum Valley",
        "Southern Fields",
        "Kaunlaran",
        "Bayanihan",
        "Luzviminda",
        "Perlas",
        "Masagana",
        "Dakila",
        "Sampaguita",
        "Visayan",
    ),
    legal=("Corporation", "Inc.", "Corp."),
    name_fmt=(("{trade} {word} {legal}", "{trade} {word} {legal}"),),
    address_fmt=(
        (
            "Lot {n3} Block {n2}, {area}, {city}, {region} {postcode}",
            "Lot {n3} Block {n2}, {area}, {city}, {region} {postcode}",
        ),
    ),
    branch_fmt=("{name} - Plant {n}", "{name} - Plant {n}"),
)
