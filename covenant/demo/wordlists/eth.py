"""Ethiopia: garments in the industrial parks (Hawassa, Bole Lemi, Kombolcha, Mekelle in
conflict-affected Tigray), coffee in Sidama, Gedeo, Guji and Jimma, roses around Addis
Ababa, tanneries in Modjo."""

from covenant.demo.wordlists._types import City, Country, Kind

OR = ("ኦሮሚያ", "Oromia")

CITIES = (
    City(
        ("አዲስ አበባ", "Addis Ababa"),
        ("", ""),
        "ET-AA",
        9.03,
        38.74,
        "",
        ("garment", "textile", "coffee_processing"),
        (
            ("ቦሌ ለሚ ኢንዱስትሪ ፓርክ", "Bole Lemi Industrial Park"),
            ("ቂሊንጦ ኢንዱስትሪ ፓርክ", "Kilinto Industrial Park"),
            ("አቃቂ ቃሊቲ ክፍለ ከተማ", "Akaki Kality Sub-City"),
        ),
        weight=2,
    ),
    City(
        ("ሐዋሳ", "Hawassa"),
        ("ሲዳማ", "Sidama"),
        "ET-SI",
        7.05,
        38.48,
        "",
        ("garment",),
        (("ሐዋሳ ኢንዱስትሪ ፓርክ", "Hawassa Industrial Park"),),
        weight=2,
    ),
    City(
        ("መቐለ", "Mekelle"),
        ("ትግራይ", "Tigray"),
        "ET-TI",
        13.50,
        39.47,
        "",
        ("garment", "textile"),
        (("መቐለ ኢንዱስትሪ ፓርክ", "Mekelle Industrial Park"),),
    ),
    City(
        ("ኮምቦልቻ", "Kombolcha"),
        ("አማራ", "Amhara"),
        "ET-AM",
        11.08,
        39.74,
        "",
        ("garment",),
        (("ኮምቦልቻ ኢንዱስትሪ ፓርክ", "Kombolcha Industrial Park"),),
    ),
    City(
        ("ይርጋጨፌ", "Yirgacheffe"),
        ("ደቡብ ብሔሮች ብሔረሰቦችና ሕዝቦች", "SNNPR"),
        "ET-SN",
        6.16,
        38.21,
        "",
        ("coffee",),
        (("ኮቸሬ", "Kochere"), ("ወናጎ", "Wenago"), ("ጨለለቅቱ", "Chelelektu")),
        weight=2,
    ),
    City(("በንሳ", "Bensa"), ("ሲዳማ", "Sidama"), "ET-SI", 6.57, 38.67, "", ("coffee",), (("ዳዬ", "Daye"), ("ቦና", "Bona"))),
    City(
        ("ሻኪሶ", "Shakiso"), OR, "ET-OR", 5.75, 38.91, "", ("coffee",), (("ሀምበላ", "Hambela"), ("ኦዶ ሻኪሶ", "Odo Shakiso"))
    ),
    City(
        ("ጅማ", "Jimma"),
        OR,
        "ET-OR",
        7.67,
        36.83,
        "",
        ("coffee", "coffee_processing"),
        (("ጎማ", "Goma"), ("ማና", "Mana"), ("ሊሙ ኮሳ", "Limu Kosa")),
    ),
    City(
        ("ሆለታ", "Holeta"),
        OR,
        "ET-OR",
        9.06,
        38.50,
        "",
        ("flowers",),
        (("ሆለታ", "Holeta"), ("ሰበታ", "Sebeta"), ("መናገሻ", "Menagesha")),
    ),
    City(("ቢሾፍቱ", "Bishoftu"), OR, "ET-OR", 8.75, 38.98, "", ("flowers",), (("ቢሾፍቱ", "Bishoftu"), ("ዱከም", "Dukem"))),
    City(("ሞጆ", "Modjo"), OR, "ET-OR", 8.59, 39.12, "", ("leather",), (("ሞጆ", "Modjo"),)),
)

_PLC = ("{trade} {word} {legal}", "{trade} {word} {legal}")
_RURAL = (("ቀበሌ {n2}፣ {area}፣ {city}፣ {region}", "Kebele {n2}, {area}, {city}, {region}"),)

KINDS = (
    Kind("garment", 8, (("ጋርመንት", "Garment"), ("አልባሳት", "Apparel"))),
    Kind("textile", 3, (("ጨርቃጨርቅ", "Textile"), ("ስፒኒንግ", "Spinning"))),
    Kind(
        "coffee",
        8,
        (("የቡና አምራቾች ኅብረት ሥራ ማኅበር", "Coffee Farmers' Cooperative"), ("ቡና ማጠቢያ ጣቢያ", "Coffee Washing Station")),
        name_fmt=(("{area} {word}", "{area} {word}"), ("{area} {trade} {word}", "{area} {trade} {word}")),
        items=("Washed arabica", "Natural arabica", "Arabica green coffee (Grade 1)"),
        address_fmt=_RURAL,
    ),
    Kind("coffee_processing", 2, (("ቡና ላኪ", "Coffee Export"), ("ቡና ማቀነባበሪያ", "Coffee Processing"))),
    Kind("flowers", 3, (("አበባ", "Flowers"), ("ሆርቲካልቸር", "Horticulture"), ("ሮዝ", "Roses")), address_fmt=_RURAL),
    Kind("leather", 2, (("ቆዳ", "Leather"), ("ታነሪ", "Tannery")), address_fmt=_RURAL),
)

COUNTRY = Country(
    code="ET",
    names=("Ethiopia", "Federal Democratic Republic of Ethiopia", "Ethiopië", "ኢትዮጵያ"),
    weight=25,
    cities=CITIES,
    kinds=KINDS,
    trade=(
        ("አዲስ", "Addis"),
        ("ሰላም", "Selam"),
        ("ብርሃን", "Birhan"),
        ("ፀሐይ", "Tsehay"),
        ("ገነት", "Genet"),
        ("ዓባይ", "Abay"),
        ("ጣና", "Tana"),
        ("ሸገር", "Sheger"),
        ("ምስራቅ", "Misrak"),
        ("አንድነት", "Andinet"),
        ("ዳሎል", "Dallol"),
        ("ራስ ዳሸን", "Ras Dashen"),
        ("ሲሳይ", "Sisay"),
        ("ወርቅ", "Work"),
    ),
    legal=(("ኃ.የተ.የግ.ማ", "PLC"),),
    name_fmt=(_PLC,),
    address_fmt=(
        ("ሼድ ቁጥር {no}፣ {area}፣ {city}፣ {region}", "Shed No. {no}, {area}, {city}, {region}"),
        ("የቤት ቁጥር {no}፣ ወረዳ {n3}፣ {area}፣ {city}", "House No. {no}, Woreda {n3}, {area}, {city}"),
    ),
    branch_fmt=("{name} ቁጥር {n}", "{name} No. {n}"),
    foreign_fmt=("{brand} {word_en} (Ethiopia) PLC", "{brand} {word_en} (Ethiopia) PLC"),
    group_fmt=("{trade} ግሩፕ", "{trade} Group"),
)
