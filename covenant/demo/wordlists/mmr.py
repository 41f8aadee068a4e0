"""Myanmar: garment factories in Yangon's industrial zones and Mandalay, rice mills in
the Ayeyarwady delta, sesame in Magway. A conflict-affected country since 2021."""

from covenant.demo.wordlists._types import City, Country, Kind

YGN = ("ရန်ကုန်တိုင်းဒေသကြီး", "Yangon Region")

CITIES = (
    City(
        ("ရန်ကုန်", "Yangon"),
        YGN,
        "MM-06",
        16.87,
        96.20,
        "11###",
        ("garment", "seafood", "footwear"),
        (
            ("လှိုင်သာယာစက်မှုဇုန်၊ လှိုင်သာယာမြို့နယ်", "Hlaing Tharyar Industrial Zone, Hlaing Tharyar Township", "11401"),
            ("ရွှေပြည်သာစက်မှုဇုန်၊ ရွှေပြည်သာမြို့နယ်", "Shwe Pyi Thar Industrial Zone, Shwe Pyi Thar Township", "11411"),
            ("ဒဂုံမြို့သစ်ဆိပ်ကမ်းစက်မှုဇုန်၊ ဒဂုံမြို့သစ်ဆိပ်ကမ်းမြို့နယ်", "Dagon Seikkan Industrial Zone, Dagon Seikkan Township", "11441"),
            ("သီလဝါအထူးစီးပွားရေးဇုန်၊ သန်လျင်မြို့နယ်", "Thilawa Special Economic Zone, Thanlyin Township", "11291"),
            ("မင်္ဂလာဒုံစက်မှုဇုန်၊ မင်္ဂလာဒုံမြို့နယ်", "Mingaladon Industrial Park, Mingaladon Township", "11021"),
        ),
        weight=4,
    ),
    City(
        ("မန္တလေး", "Mandalay"),
        ("မန္တလေးတိုင်းဒေသကြီး", "Mandalay Region"),
        "MM-04",
        21.96,
        96.08,
        "05###",
        ("garment",),
        (("မန္တလေးစက်မှုဇုန်၊ ပြည်ကြီးတံခွန်မြို့နယ်", "Mandalay Industrial Zone, Pyigyitagon Township", "05061"),),
    ),
    City(
        ("ပုသိမ်", "Pathein"),
        ("ဧရာဝတီတိုင်းဒေသကြီး", "Ayeyarwady Region"),
        "MM-07",
        16.78,
        94.73,
        "10###",
        ("rice",),
        (("ပုသိမ်မြို့နယ်", "Pathein Township", "10011"), ("ကန်ကြီးထောင့်မြို့နယ်", "Kangyidaunt Township", "10081")),
    ),
    City(
        ("မကွေး", "Magway"),
        ("မကွေးတိုင်းဒေသကြီး", "Magway Region"),
        "MM-03",
        20.15,
        94.93,
        "04###",
        ("sesame",),
        (("မကွေးမြို့နယ်", "Magway Township", "04011"), ("မင်းဘူးမြို့နယ်", "Minbu Township", "04051")),
    ),
)

KINDS = (
    Kind("garment", 18, (("အထည်ချုပ်", "Garment"), ("အထည်အလိပ်", "Apparel"), ("ဖက်ရှင်", "Fashion")), goods=("Garments",)),
    Kind("footwear", 1, (("ဖိနပ်", "Footwear"),)),
    Kind(
        "seafood",
        2,
        (("ရေထွက်ပစ္စည်း", "Marine Products"), ("အအေးခန်း", "Cold Storage")),
        goods=("Shrimp",),
        items=("Frozen shrimp", "Frozen fish"),
    ),
    Kind(
        "rice",
        3,
        (("ဆန်စက်", "Rice Mill"), ("စိုက်ပျိုးရေး", "Agriculture")),
        goods=("Rice",),
        items=("Paw San rice", "Emata rice"),
    ),
    Kind(
        "sesame",
        1,
        (("နှမ်း", "Sesame"), ("ကုန်သွယ်ရေး", "Trading")),
        base="food",
        goods=("Sesame",),
        items=("Hulled sesame seeds", "Black sesame seeds"),
    ),
)

COUNTRY = Country(
    code="MM",
    names=("Myanmar", "Burma", "Republic of the Union of Myanmar", "မြန်မာ", "Birma"),
    weight=22,
    cities=CITIES,
    kinds=KINDS,
    trade=(
        ("ရွှေမြန်မာ", "Shwe Myanmar"),
        ("ရတနာ", "Yadanar"),
        ("မင်္ဂလာ", "Mingalar"),
        ("ဧရာဝတီ", "Ayeyarwady"),
        ("ရွှေဝါ", "Shwe Wa"),
        ("မြင့်မိုရ်", "Myint Mo"),
        ("အောင်ဇေယျ", "Aung Zeya"),
        ("မြတ်လေး", "Myat Lay"),
        ("သီရိ", "Thiri"),
        ("ဇေယျာ", "Zeyar"),
        ("ပိုးဦး", "Poe Oo"),
        ("ရွှေလမင်း", "Shwe La Min"),
        ("နေဝန်း", "Nay Won"),
        ("ဖူးပွင့်", "Phu Pwint"),
        ("ကြယ်စင်", "Kyal Sin"),
        ("ငွေရတု", "Ngwe Yadu"),
    ),
    legal=(("ကုမ္ပဏီလီမိတက်", "Co., Ltd."),),
    name_fmt=(("{trade} {word} {legal}", "{trade} {word} {legal}"),),
    address_fmt=(
        ("အမှတ် {no}၊ {n2} လမ်း၊ {area}၊ {region}", "No. {no}, Street {n2}, {area}, {region} {postcode}"),
        ("မြေကွက်အမှတ် {no}၊ {area}၊ {region}", "Plot {no}, {area}, {region} {postcode}"),
    ),
    branch_fmt=("{name} (စက်ရုံ {n})", "{name} (Factory {n})"),
    foreign_fmt=("{brand} {word_en} (Myanmar) Co., Ltd.", "{brand} {word_en} (Myanmar) Co., Ltd."),
    digits="၀၁၂၃၄၅၆၇၈၉",
    group_fmt=("{trade} ကုမ္ပဏီအုပ်စု", "{trade} Group"),
)
