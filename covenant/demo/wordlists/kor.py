"""Republic of Korea: packaging and chemicals around Seoul, cosmetics OEM in Gyeonggi
and Chungbuk, textiles in Daegu."""

from covenant.demo.wordlists._types import City, Country, Kind

GG = ("경기도", "Gyeonggi-do")

CITIES = (
    City(
        ("안산시", "Ansan-si"),
        GG,
        "KR-41",
        37.32,
        126.83,
        "15###",
        ("packaging", "chemicals", "personal_care"),
        (
            ("단원구 산단로", "Sandan-ro, Danwon-gu"),
            ("단원구 원시로", "Wonsi-ro, Danwon-gu"),
            ("단원구 해안로", "Haean-ro, Danwon-gu"),
        ),
    ),
    City(
        ("화성시", "Hwaseong-si"),
        GG,
        "KR-41",
        37.20,
        126.83,
        "18###",
        ("personal_care", "packaging"),
        (("향남읍 제약공단1길", "Jeyakgongdan 1-gil, Hyangnam-eup"), ("팔탄면 공장길", "Gongjang-gil, Paltan-myeon")),
    ),
    City(
        ("청주시", "Cheongju-si"),
        ("충청북도", "Chungcheongbuk-do"),
        "KR-43",
        36.64,
        127.49,
        "28###",
        ("personal_care", "chemicals"),
        (
            ("흥덕구 오송읍 오송생명로", "Osongsaengmyeong-ro, Osong-eup, Heungdeok-gu"),
            ("흥덕구 직지대로", "Jikji-daero, Heungdeok-gu"),
        ),
    ),
    City(
        ("대구광역시", "Daegu"),
        ("", ""),
        "KR-27",
        35.87,
        128.60,
        "42###",
        ("textile",),
        (
            ("달서구 성서공단로", "Seongseogongdan-ro, Dalseo-gu"),
            ("서구 염색공단중앙로", "Yeomsaekgongdanjungang-ro, Seo-gu"),
        ),
    ),
)

KINDS = (
    Kind("packaging", 3, (("포장", "Packaging"), ("피앤피", "P&P"), ("산업", "Industrial"))),
    Kind("chemicals", 2, (("화학", "Chemical"), ("케미칼", "Chemical"))),
    Kind("personal_care", 4, (("코스메틱", "Cosmetics"), ("바이오", "Bio"), ("생활건강", "Living & Health"))),
    Kind("textile", 3, (("섬유", "Textile"), ("텍스타일", "Textile"))),
)

COUNTRY = Country(
    code="KR",
    names=("South Korea", "Korea, Republic of", "Republic of Korea", "Korea", "Zuid-Korea", "대한민국"),
    weight=12,
    cities=CITIES,
    kinds=KINDS,
    trade=(
        ("해성", "Haesung"),
        ("명진", "Myungjin"),
        ("청우", "Chungwoo"),
        ("서진", "Seojin"),
        ("보성", "Bosung"),
        ("은성", "Eunsung"),
        ("가온", "Gaon"),
        ("다온", "Daon"),
        ("누리", "Nuri"),
        ("소망", "Somang"),
        ("정우", "Jungwoo"),
        ("진성", "Jinsung"),
        ("세원", "Sewon"),
        ("보람", "Boram"),
    ),
    legal=(("(주)", "Co., Ltd."), ("주식회사", "Co., Ltd."), ("(주)", "Corp.")),
    name_fmt=(("{legal}{trade}{word}", "{trade} {word} {legal}"),),
    address_fmt=(
        ("{region} {city} {area} {no}", "{no}, {area}, {city}, {region} {postcode}"),
        ("{region} {city} {area} {no}-{n3}", "{no}-{n3}, {area}, {city}, {region} {postcode}"),
    ),
    branch_fmt=("{name} 제{n}공장", "{name} Plant {n}"),
    group_fmt=("{trade}그룹", "{trade} Group"),
)
