"""Taiwan: synthetic textiles in Taoyuan and Changhua, distant-water fishing in
Kaohsiung, electronics in Hsinchu. Names in Traditional Chinese; romanisation as the
companies themselves write it."""

from covenant.demo.wordlists._types import City, Country, Kind

CITIES = (
    City(
        ("桃園市", "Taoyuan City"),
        ("", ""),
        "TW-TAO",
        24.99,
        121.30,
        "3####",
        ("textile", "packaging", "electronics"),
        (
            ("觀音區", "Guanyin Dist.", "328##"),
            ("中壢區", "Zhongli Dist.", "320##"),
            ("蘆竹區", "Luzhu Dist.", "338##"),
        ),
    ),
    City(
        ("彰化縣", "Changhua County"),
        ("", ""),
        "TW-CHA",
        24.08,
        120.54,
        "5####",
        ("textile",),
        (("和美鎮", "Hemei Township", "508##"), ("彰化市", "Changhua City", "500##")),
    ),
    City(
        ("高雄市", "Kaohsiung City"),
        ("", ""),
        "TW-KHH",
        22.63,
        120.30,
        "8####",
        ("seafood", "packaging"),
        (
            ("前鎮區", "Qianzhen Dist.", "806##"),
            ("小港區", "Xiaogang Dist.", "812##"),
            ("仁武區", "Renwu Dist.", "814##"),
        ),
    ),
    City(
        ("新竹縣", "Hsinchu County"),
        ("", ""),
        "TW-HSQ",
        24.84,
        121.02,
        "30###",
        ("electronics",),
        (("湖口鄉", "Hukou Township", "303##"), ("竹北市", "Zhubei City", "302##")),
    ),
    City(
        ("臺南市", "Tainan City"),
        ("", ""),
        "TW-TNN",
        23.00,
        120.20,
        "7####",
        ("textile", "footwear"),
        (("永康區", "Yongkang Dist.", "710##"), ("新營區", "Xinying Dist.", "730##")),
    ),
)

KINDS = (
    Kind("textile", 6, (("紡織", "Textile"), ("織造", "Weaving"), ("化纖", "Synthetic Fiber"))),
    Kind(
        "seafood",
        3,
        (("漁業", "Fishery"), ("水產", "Marine Products"), ("遠洋漁業", "Deep Sea Fishery")),
        goods=("Fish",),
        items=("Frozen skipjack tuna", "Frozen squid", "Sashimi-grade tuna"),
    ),
    Kind("electronics", 3, (("電子", "Electronics"), ("科技", "Technology"))),
    Kind("packaging", 2, (("包裝", "Packaging"), ("紙器", "Paper Container"))),
    Kind("footwear", 2, (("鞋業", "Footwear"), ("製鞋", "Shoes"))),
)

COUNTRY = Country(
    code="TW",
    names=("Taiwan", "Chinese Taipei", "Republic of China (Taiwan)", "臺灣", "台湾"),
    weight=14,
    cities=CITIES,
    kinds=KINDS,
    trade=(
        ("華昌", "Hua Chang"),
        ("聯興", "Lien Hsing"),
        ("佳和", "Chia Ho"),
        ("昇陽", "Sheng Yang"),
        ("大洋", "Ta Yang"),
        ("金豐", "Chin Feng"),
        ("瑞興", "Jui Hsing"),
        ("益昌", "Yi Chang"),
        ("順成", "Shun Cheng"),
        ("明昌", "Ming Chang"),
        ("東茂", "Tung Mao"),
        ("信隆", "Hsin Lung"),
        ("豐祥", "Feng Hsiang"),
        ("建益", "Chien Yi"),
        ("立泰", "Li Tai"),
        ("富榮", "Fu Jung"),
    ),
    legal=(("股份有限公司", "Co., Ltd."), ("股份有限公司", "Co., Ltd."), ("有限公司", "Co., Ltd.")),
    name_fmt=(("{trade}{word}{legal}", "{trade} {word} {legal}"),),
    address_fmt=(
        ("{postcode}{city}{area}{street}{no}號", "No. {no}, {street}, {area}, {city} {postcode}"),
        ("{postcode}{city}{area}{street}{no}巷{n2}號", "No. {n2}, Ln. {no}, {street}, {area}, {city} {postcode}"),
    ),
    streets=(
        ("工業一路", "Gongye 1st Rd."),
        ("中山路", "Zhongshan Rd."),
        ("民生路", "Minsheng Rd."),
        ("經國路", "Jingguo Rd."),
        ("環河路", "Huanhe Rd."),
        ("成功路", "Chenggong Rd."),
        ("中華路", "Zhonghua Rd."),
        ("新興路", "Xinxing Rd."),
    ),
    branch_fmt=("{name}{area}廠", "{name} {area} Plant"),
    group_fmt=("{trade}企業集團", "{trade} Group"),
)
