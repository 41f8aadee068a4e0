"""Cambodia: garment and shoe factories around Phnom Penh, in Kandal, Kampong Speu and
the Bavet special economic zones; rice in Battambang; sugar concessions in Koh Kong.

Many factories are foreign-owned and only use an English name; domestic companies
also write theirs in Khmer.
"""

from covenant.demo.wordlists._types import City, Country, Kind

CITIES = (
    City(
        ("ភ្នំពេញ", "Phnom Penh"),
        ("រាជធានីភ្នំពេញ", "Phnom Penh"),
        "KH-12",
        11.55,
        104.92,
        "",
        ("garment", "footwear", "textile", "packaging"),
        (
            ("ភូមិត្រពាំងថ្លឹង សង្កាត់ចោមចៅ ខណ្ឌពោធិ៍សែនជ័យ", "Phum Trapeang Thloeng, Sangkat Chaom Chau, Khan Pou Senchey"),
            ("ភូមិកាកាប សង្កាត់កាកាប ខណ្ឌពោធិ៍សែនជ័យ", "Phum Kakab, Sangkat Kakab, Khan Pou Senchey"),
            ("ផ្លូវជាតិលេខ៤ សង្កាត់កន្ទោក ខណ្ឌពោធិ៍សែនជ័យ", "National Road 4, Sangkat Kantaok, Khan Pou Senchey"),
            ("ភូមិព្រៃស សង្កាត់ព្រៃស ខណ្ឌដង្កោ", "Phum Prey Sar, Sangkat Prey Sar, Khan Dangkao"),
        ),
        local_share=0.5,
        weight=3,
    ),
    City(
        ("កណ្ដាល", "Kandal"),
        ("ខេត្តកណ្ដាល", "Kandal Province"),
        "KH-8",
        11.48,
        104.75,
        "",
        ("garment", "footwear"),
        (
            ("ផ្លូវជាតិលេខ៤ ឃុំបែកចាន ស្រុកអង្គស្នួល", "National Road 4, Khum Baek Chan, Srok Angk Snuol"),
            ("ឃុំសំរោងធំ ស្រុកកៀនស្វាយ", "Khum Samraong Thom, Srok Kien Svay"),
        ),
        local_share=0.4,
    ),
    City(
        ("កំពង់ស្ពឺ", "Kampong Speu"),
        ("ខេត្តកំពង់ស្ពឺ", "Kampong Speu Province"),
        "KH-5",
        11.45,
        104.52,
        "",
        ("garment", "sugar"),
        (("ផ្លូវជាតិលេខ៤ ឃុំកាហែង ស្រុកសំរោងទង", "National Road 4, Khum Kaheng, Srok Samraong Tong"),),
        local_share=0.4,
    ),
    City(
        ("បាវិត", "Bavet"),
        ("ខេត្តស្វាយរៀង", "Svay Rieng Province"),
        "KH-20",
        11.08,
        106.13,
        "",
        ("footwear", "garment"),
        (("តំបន់សេដ្ឋកិច្ចពិសេស សង្កាត់បាវិត ក្រុងបាវិត", "Special Economic Zone, Sangkat Bavet, Bavet City"),),
        local_share=0.2,
    ),
    City(
        ("បាត់ដំបង", "Battambang"),
        ("ខេត្តបាត់ដំបង", "Battambang Province"),
        "KH-2",
        13.10,
        103.20,
        "",
        ("rice",),
        (
            ("ឃុំអូរដំបង ស្រុកសង្កែ", "Khum Ou Dambang, Srok Sangkae"),
            ("ឃុំស្វាយប៉ោ ក្រុងបាត់ដំបង", "Sangkat Svay Pao, Battambang City"),
        ),
    ),
    City(
        ("កោះកុង", "Koh Kong"),
        ("ខេត្តកោះកុង", "Koh Kong Province"),
        "KH-9",
        11.40,
        103.55,
        "",
        ("sugar",),
        (("ឃុំជីខលើ ស្រុកស្រែអំបិល", "Khum Chi Kha Leu, Srok Sre Ambel"),),
    ),
)

KINDS = (
    Kind("garment", 24, (("កាត់ដេរ", "Garment"), ("ហ្គាមេន", "Garment"), ("សម្លៀកបំពាក់", "Apparel"))),
    Kind("footwear", 6, (("ស្បែកជើង", "Footwear"), ("ស៊ូស", "Shoes"))),
    Kind("textile", 2, (("វាយនភណ្ឌ", "Textile"), ("ត្បាញ", "Weaving")), goods=("Textiles",)),
    Kind(
        "rice",
        2,
        (("កិនស្រូវ", "Rice Mill"), ("កសិផល", "Agro Products")),
        items=("Jasmine rice (Phka Rumduol)", "Parboiled rice"),
    ),
    Kind("sugar", 1, (("ស្ករ", "Sugar"), ("កសិឧស្សាហកម្ម", "Agro-Industry")), goods=("Sugarcane",)),
    Kind("packaging", 1, (("វេចខ្ចប់", "Packaging"), ("ក្រដាសកាតុង", "Carton"))),
)

COUNTRY = Country(
    code="KH",
    names=("Cambodia", "Kingdom of Cambodia", "Cambodja", "កម្ពុជា"),
    weight=40,
    cities=CITIES,
    kinds=KINDS,
    trade=(
        ("អង្គរ", "Angkor"),
        ("មេគង្គ", "Mekong"),
        ("ចាន់ថា", "Chantha"),
        ("សុវណ្ណ", "Sovann"),
        ("ពន្លឺ", "Ponleu"),
        ("រស្មី", "Reaksmey"),
        ("សិរីមង្គល", "Serey Mongkol"),
        ("ភ្នំមាស", "Phnom Meas"),
        ("ទន្លេសាប", "Tonle Sap"),
        ("ចតុមុខ", "Chaktomuk"),
        ("ឧត្តម", "Oudom"),
        ("បុប្ផា", "Bopha"),
        ("ស្រីមាស", "Srey Meas"),
        ("សុភមង្គល", "Sophamongkol"),
        ("ហេងលី", "Heng Ly"),
        ("គីមស៊ាង", "Kim Sieng"),
        ("ចំរើន", "Chamroeun"),
    ),
    legal=(("ឯ.ក", "Co., Ltd."), ("ឯ.ក", "Co., Ltd."), ("ឯ.ក", "Ltd.")),
    name_fmt=(("ក្រុមហ៊ុន {trade} {word} {legal}", "{trade} {word} {legal}"),),
    address_fmt=(
        ("ផ្ទះលេខ {no} {area} {region}", "No. {no}, {area}, {region}"),
        ("ផ្ទះលេខ {no} ផ្លូវលេខ {n2} {area} {region}", "No. {no}, Street {n2}, {area}, {region}"),
    ),
    branch_fmt=("{name} (រោងចក្រទី{n})", "{name} (Factory {n})"),
    foreign_fmt=("{brand} {word_en} (Cambodia) Co., Ltd.", "{brand} {word_en} (Cambodia) Co., Ltd."),
    digits="០១២៣៤៥៦៧៨៩",
    group_fmt=("ក្រុមហ៊ុន {trade} គ្រុប", "{trade} Group"),
)
