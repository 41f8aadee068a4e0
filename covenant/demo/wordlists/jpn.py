"""Japan: packaging, chemicals and cosmetics near Tokyo and Osaka; green tea in
Shizuoka."""

from covenant.demo.wordlists._types import City, Country, Kind

CITIES = (
    City(
        ("静岡市", "Shizuoka-shi"),
        ("静岡県", "Shizuoka"),
        "JP-22",
        34.98,
        138.38,
        "42#-####",
        ("packaging", "chemicals"),
        (
            ("駿河区豊田", "Toyoda, Suruga-ku", "422-8###"),
            ("清水区興津中町", "Okitsunakacho, Shimizu-ku", "424-0###"),
            ("清水区袖師町", "Sodeshicho, Shimizu-ku", "424-0###"),
        ),
    ),
    City(
        ("牧之原市", "Makinohara-shi"),
        ("静岡県", "Shizuoka"),
        "JP-22",
        34.74,
        138.22,
        "421-04##",
        ("tea",),
        (("勝間田", "Katsumata"), ("坂部", "Sakabe")),
    ),
    City(
        ("東大阪市", "Higashiosaka-shi"),
        ("大阪府", "Osaka"),
        "JP-27",
        34.68,
        135.60,
        "577-####",
        ("packaging", "personal_care"),
        (("高井田", "Takaida"), ("長田", "Nagata")),
    ),
    City(
        ("川口市", "Kawaguchi-shi"),
        ("埼玉県", "Saitama"),
        "JP-11",
        35.81,
        139.72,
        "332-####",
        ("personal_care", "chemicals"),
        (("領家", "Ryoke"), ("青木", "Aoki")),
    ),
)

KINDS = (
    Kind("packaging", 3, (("紙器", "Paper Box"), ("包装", "Packaging"), ("工業", "Industries"))),
    Kind("chemicals", 2, (("化学", "Chemical"), ("化成", "Kasei"))),
    Kind("personal_care", 3, (("化粧品", "Cosmetics"), ("製薬", "Pharmaceutical"))),
    Kind(
        "tea",
        2,
        (("製茶", "Seicha"), ("茶業", "Tea")),
        items=("Green tea (sencha)", "Matcha"),
        workers=(15, 120),
        name_fmt=(("{trade}{word}{legal}", "{trade} {word} {legal}"),),
    ),
)

COUNTRY = Country(
    code="JP",
    names=("Japan", "日本", "Nippon", "Japan"),
    weight=10,
    cities=CITIES,
    kinds=KINDS,
    trade=(
        ("山田", "Yamada"),
        ("中村", "Nakamura"),
        ("小林", "Kobayashi"),
        ("高橋", "Takahashi"),
        ("石川", "Ishikawa"),
        ("松本", "Matsumoto"),
        ("森田", "Morita"),
        ("杉本", "Sugimoto"),
        ("大橋", "Ohashi"),
        ("平野", "Hirano"),
        ("西村", "Nishimura"),
        ("藤井", "Fujii"),
        ("丸山", "Maruyama"),
        ("青葉", "Aoba"),
    ),
    legal=(("株式会社", "Co., Ltd."), ("株式会社", "K.K."), ("有限会社", "Ltd.")),
    name_fmt=(("{legal}{trade}{word}", "{trade} {word} {legal}"), ("{trade}{word}{legal}", "{trade} {word} {legal}")),
    address_fmt=(
        ("〒{postcode} {region}{city}{area}{n3}丁目{n2}番{n4}号", "{n3}-{n2}-{n4} {area}, {city}, {region} {postcode}"),
    ),
    branch_fmt=("{name} 第{n}工場", "{name} Plant No. {n}"),
    group_fmt=("{trade}グループ", "{trade} Group"),
)
