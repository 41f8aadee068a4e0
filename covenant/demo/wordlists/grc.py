"""Greece: canned peaches in Imathia, cotton in Thessaly, olive oil in Crete, strawberries
in Ilia (Manolada)."""

from covenant.demo.wordlists._types import City, Country, Kind

CITIES = (
    City(("Βέροια", "Veria"), ("Ημαθία", "Imathia"), "GR-B", 40.52, 22.20, "591 00", ("food",), ("",)),
    City(("Νάουσα", "Naousa"), ("Ημαθία", "Imathia"), "GR-B", 40.63, 22.07, "592 00", ("food",), ("",)),
    City(("Λάρισα", "Larissa"), ("Λάρισα", "Larissa"), "GR-E", 39.64, 22.42, "41# ##", ("cotton", "dairy"), ("",)),
    City(("Ηράκλειο", "Heraklion"), ("Κρήτη", "Crete"), "GR-M", 35.34, 25.13, "71# ##", ("food_olive",), ("",)),
    City(("Μανωλάδα", "Manolada"), ("Ηλεία", "Ilia"), "GR-G", 38.03, 21.36, "270 52", ("fruit",), ("",)),
)

KINDS = (
    Kind("food", 3, (("Κονσερβοποιία", "Canning"), ("Τρόφιμα", "Foods")), items=("Canned peaches", "Fruit cocktail")),
    Kind("food_olive", 2, (("Ελαιουργία", "Olive Oil"),), base="food", items=("Extra virgin olive oil",)),
    Kind("cotton", 2, (("Εκκοκκιστήρια", "Cotton Ginning"),), items=("Cotton lint",)),
    Kind(
        "dairy",
        2,
        (("Τυροκομεία", "Dairy"), ("Γαλακτοκομικά", "Dairy Products")),
        items=("Feta cheese", "Greek yoghurt"),
    ),
    Kind("fruit", 2, (("Φράουλες", "Strawberries Farm"), ("Αγροτική", "Agricultural")), items=("Fresh strawberries",)),
)

COUNTRY = Country(
    code="GR",
    names=("Greece", "Hellas", "Griekenland", "Ελλάδα"),
    weight=10,
    cities=CITIES,
    kinds=KINDS,
    trade=(
        ("Παπαδόπουλος", "Papadopoulos"),
        ("Γεωργίου", "Georgiou"),
        ("Νικολαΐδης", "Nikolaidis"),
        ("Αφοί Οικονόμου", "Oikonomou Bros"),
        ("Όλυμπος", "Olympos"),
        ("Αιγαίο", "Aegean"),
        ("Μακεδονία", "Makedonia"),
        ("Θεσσαλία", "Thessalia"),
        ("Ήλιος", "Ilios"),
        ("Δήμητρα", "Dimitra"),
        ("Ελιά", "Elia"),
        ("Βέρμιο", "Vermio"),
    ),
    legal=(("Α.Ε.", "S.A."), ("Α.Ε.", "S.A."), ("Ε.Π.Ε.", "Ltd."), ("Ο.Ε.", "G.P.")),
    name_fmt=(("{trade} {word} {legal}", "{trade} {word} {legal}"),),
    address_fmt=(
        ("{street} {no}, {postcode} {city}", "{no} {street}, {postcode} {city}"),
        ("ΒΙ.ΠΕ. {city}, Ο.Τ. {n2}, {postcode} {city}", "Industrial Area of {city}, Block {n2}, {postcode} {city}"),
    ),
    streets=(
        ("Εθνικής Αντιστάσεως", "Ethnikis Antistaseos St."),
        ("Βιομηχανικής Ζώνης", "Viomichanikis Zonis St."),
        ("Ελευθερίου Βενιζέλου", "Eleftheriou Venizelou St."),
        ("Μεγάλου Αλεξάνδρου", "Megalou Alexandrou St."),
    ),
    group_fmt=("Όμιλος {trade}", "{trade} Group"),
)
