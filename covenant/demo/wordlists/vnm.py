"""Viet Nam: garments and shoes in the south-east and Red River delta, coffee in the
Central Highlands, cashew in Bình Phước, pangasius and shrimp in the Mekong delta.

Addresses use the ward/district/province hierarchy that was in force until 2025 and is
still what most supplier lists contain.
"""

from covenant.demo.wordlists._types import City, Country, Kind

BD = ("Tỉnh Bình Dương", "Binh Duong Province")
DN = ("Tỉnh Đồng Nai", "Dong Nai Province")

CITIES = (
    City(
        ("Hồ Chí Minh", "Ho Chi Minh City"),
        ("TP. Hồ Chí Minh", "Ho Chi Minh City"),
        "VN-SG",
        10.78,
        106.70,
        "",
        ("garment", "footwear", "packaging", "electronics", "seafood_shrimp"),
        (
            (
                "KCN Tân Tạo, Phường Tân Tạo A, Quận Bình Tân",
                "Tan Tao Industrial Park, Tan Tao A Ward, Binh Tan District",
            ),
            (
                "KCX Tân Thuận, Phường Tân Thuận Đông, Quận 7",
                "Tan Thuan Export Processing Zone, Tan Thuan Dong Ward, District 7",
            ),
            (
                "KCN Tân Bình, Phường Tây Thạnh, Quận Tân Phú",
                "Tan Binh Industrial Park, Tay Thanh Ward, Tan Phu District",
            ),
            (
                "KCX Linh Trung, Phường Linh Trung, TP. Thủ Đức",
                "Linh Trung Export Processing Zone, Linh Trung Ward, Thu Duc City",
            ),
            (
                "KCN Lê Minh Xuân, Xã Tân Nhựt, Huyện Bình Chánh",
                "Le Minh Xuan Industrial Park, Tan Nhut Commune, Binh Chanh District",
            ),
            (
                "KCN Tân Thới Hiệp, Phường Hiệp Thành, Quận 12",
                "Tan Thoi Hiep Industrial Park, Hiep Thanh Ward, District 12",
            ),
        ),
        weight=3,
    ),
    City(
        "Thuận An",
        BD,
        "VN-57",
        10.93,
        106.71,
        "",
        ("garment", "footwear", "furniture", "packaging"),
        (
            (
                "KCN Việt Hương, Phường Thuận Giao, TP. Thuận An",
                "Viet Huong Industrial Park, Thuan Giao Ward, Thuan An City",
            ),
            ("KCN VSIP, Phường Bình Hòa, TP. Thuận An", "VSIP Industrial Park, Binh Hoa Ward, Thuan An City"),
            ("KCN Đồng An, Phường Bình Hòa, TP. Thuận An", "Dong An Industrial Park, Binh Hoa Ward, Thuan An City"),
        ),
        weight=2,
    ),
    City(
        "Dĩ An",
        BD,
        "VN-57",
        10.90,
        106.77,
        "",
        ("garment", "footwear", "textile"),
        (
            ("KCN Sóng Thần 1, Phường Dĩ An, TP. Dĩ An", "Song Than 1 Industrial Park, Di An Ward, Di An City"),
            (
                "KCN Tân Đông Hiệp B, Phường Tân Đông Hiệp, TP. Dĩ An",
                "Tan Dong Hiep B Industrial Park, Tan Dong Hiep Ward, Di An City",
            ),
        ),
    ),
    City(
        "Bến Cát",
        BD,
        "VN-57",
        11.15,
        106.60,
        "",
        ("footwear", "textile", "furniture"),
        (
            ("KCN Mỹ Phước 3, Phường Thới Hòa, TP. Bến Cát", "My Phuoc 3 Industrial Park, Thoi Hoa Ward, Ben Cat City"),
            ("KCN Rạch Bắp, Phường An Điền, TP. Bến Cát", "Rach Bap Industrial Park, An Dien Ward, Ben Cat City"),
        ),
    ),
    City(
        "Tân Uyên",
        BD,
        "VN-57",
        11.06,
        106.79,
        "",
        ("furniture",),
        (
            (
                "KCN Nam Tân Uyên, Phường Khánh Bình, TP. Tân Uyên",
                "Nam Tan Uyen Industrial Park, Khanh Binh Ward, Tan Uyen City",
            ),
        ),
    ),
    City(
        "Biên Hòa",
        DN,
        "VN-39",
        10.95,
        106.84,
        "",
        ("garment", "footwear", "textile", "packaging", "electronics"),
        (
            (
                "KCN Biên Hòa 2, Phường Long Bình Tân, TP. Biên Hòa",
                "Bien Hoa 2 Industrial Park, Long Binh Tan Ward, Bien Hoa City",
            ),
            ("KCN Amata, Phường Long Bình, TP. Biên Hòa", "Amata Industrial Park, Long Binh Ward, Bien Hoa City"),
            (
                "KCN Hố Nai, Xã Hố Nai 3, Huyện Trảng Bom",
                "Ho Nai Industrial Park, Ho Nai 3 Commune, Trang Bom District",
            ),
        ),
        weight=2,
    ),
    City(
        "Nhơn Trạch",
        DN,
        "VN-39",
        10.70,
        106.89,
        "",
        ("textile", "garment"),
        (
            (
                "KCN Nhơn Trạch 2, Thị trấn Hiệp Phước, Huyện Nhơn Trạch",
                "Nhon Trach 2 Industrial Park, Hiep Phuoc Town, Nhon Trach District",
            ),
            (
                "KCN Nhơn Trạch 3, Thị trấn Hiệp Phước, Huyện Nhơn Trạch",
                "Nhon Trach 3 Industrial Park, Hiep Phuoc Town, Nhon Trach District",
            ),
        ),
    ),
    City(
        "Đức Hòa",
        ("Tỉnh Long An", "Long An Province"),
        "VN-41",
        10.88,
        106.42,
        "",
        ("garment", "footwear", "packaging"),
        (
            (
                "KCN Đức Hòa 1, Xã Đức Hòa Đông, Huyện Đức Hòa",
                "Duc Hoa 1 Industrial Park, Duc Hoa Dong Commune, Duc Hoa District",
            ),
            (
                "KCN Tân Đức, Xã Đức Hòa Hạ, Huyện Đức Hòa",
                "Tan Duc Industrial Park, Duc Hoa Ha Commune, Duc Hoa District",
            ),
        ),
    ),
    City(
        ("Hà Nội", "Hanoi"),
        ("TP. Hà Nội", "Hanoi"),
        "VN-HN",
        21.03,
        105.85,
        "",
        ("garment", "electronics", "packaging"),
        (
            (
                "KCN Quang Minh, Thị trấn Quang Minh, Huyện Mê Linh",
                "Quang Minh Industrial Park, Quang Minh Town, Me Linh District",
            ),
            (
                "KCN Thạch Thất - Quốc Oai, Thị trấn Quốc Oai, Huyện Quốc Oai",
                "Thach That - Quoc Oai Industrial Park, Quoc Oai Town, Quoc Oai District",
            ),
            (
                "KCN Phú Nghĩa, Xã Phú Nghĩa, Huyện Chương Mỹ",
                "Phu Nghia Industrial Park, Phu Nghia Commune, Chuong My District",
            ),
        ),
    ),
    City(
        ("Hải Phòng", "Haiphong"),
        ("TP. Hải Phòng", "Hai Phong City"),
        "VN-HP",
        20.86,
        106.68,
        "",
        ("footwear", "garment", "electronics"),
        (
            (
                "KCN Đình Vũ, Phường Đông Hải 2, Quận Hải An",
                "Dinh Vu Industrial Park, Dong Hai 2 Ward, Hai An District",
            ),
            (
                "KCN Tràng Duệ, Xã Lê Lợi, Huyện An Dương",
                "Trang Due Industrial Park, Le Loi Commune, An Duong District",
            ),
        ),
    ),
    City(
        "Nam Định",
        ("Tỉnh Nam Định", "Nam Dinh Province"),
        "VN-67",
        20.43,
        106.18,
        "",
        ("garment", "textile"),
        (
            ("KCN Hòa Xá, Phường Mỹ Xá, TP. Nam Định", "Hoa Xa Industrial Park, My Xa Ward, Nam Dinh City"),
            (
                "KCN Bảo Minh, Xã Liên Minh, Huyện Vụ Bản",
                "Bao Minh Industrial Park, Lien Minh Commune, Vu Ban District",
            ),
        ),
    ),
    City(
        "Thái Bình",
        ("Tỉnh Thái Bình", "Thai Binh Province"),
        "VN-20",
        20.45,
        106.34,
        "",
        ("garment",),
        (
            (
                "KCN Phúc Khánh, Phường Phú Khánh, TP. Thái Bình",
                "Phuc Khanh Industrial Park, Phu Khanh Ward, Thai Binh City",
            ),
            (
                "KCN Tiền Hải, Xã Tây Giang, Huyện Tiền Hải",
                "Tien Hai Industrial Park, Tay Giang Commune, Tien Hai District",
            ),
        ),
    ),
    City(
        "Bắc Ninh",
        ("Tỉnh Bắc Ninh", "Bac Ninh Province"),
        "VN-56",
        21.19,
        106.07,
        "",
        ("electronics", "packaging"),
        (
            (
                "KCN Yên Phong, Xã Long Châu, Huyện Yên Phong",
                "Yen Phong Industrial Park, Long Chau Commune, Yen Phong District",
            ),
            (
                "KCN VSIP Bắc Ninh, Xã Phù Chẩn, TP. Từ Sơn",
                "VSIP Bac Ninh Industrial Park, Phu Chan Commune, Tu Son City",
            ),
            ("KCN Quế Võ, Phường Phương Liễu, TX. Quế Võ", "Que Vo Industrial Park, Phuong Lieu Ward, Que Vo Town"),
        ),
    ),
    City(
        ("Đà Nẵng", "Da Nang"),
        ("TP. Đà Nẵng", "Da Nang City"),
        "VN-DN",
        16.05,
        108.20,
        "",
        ("garment", "seafood_fish"),
        (
            (
                "KCN Hòa Khánh, Phường Hòa Khánh Bắc, Quận Liên Chiểu",
                "Hoa Khanh Industrial Park, Hoa Khanh Bac Ward, Lien Chieu District",
            ),
            (
                "KCN Hòa Cầm, Phường Hòa Thọ Tây, Quận Cẩm Lệ",
                "Hoa Cam Industrial Park, Hoa Tho Tay Ward, Cam Le District",
            ),
        ),
    ),
    City(
        "Buôn Ma Thuột",
        ("Tỉnh Đắk Lắk", "Dak Lak Province"),
        "VN-33",
        12.67,
        108.04,
        "",
        ("coffee", "spices"),
        (
            ("Xã Ea Tu, TP. Buôn Ma Thuột", "Ea Tu Commune, Buon Ma Thuot City"),
            ("Xã Hòa Thắng, TP. Buôn Ma Thuột", "Hoa Thang Commune, Buon Ma Thuot City"),
            ("Thị trấn Phước An, Huyện Krông Pắc", "Phuoc An Town, Krong Pac District"),
            ("Xã Ea Tul, Huyện Cư M'gar", "Ea Tul Commune, Cu M'gar District"),
        ),
        weight=2,
    ),
    City(
        "Bảo Lộc",
        ("Tỉnh Lâm Đồng", "Lam Dong Province"),
        "VN-35",
        11.55,
        107.81,
        "",
        ("coffee",),
        (
            ("Xã Lộc Thanh, TP. Bảo Lộc", "Loc Thanh Commune, Bao Loc City"),
            ("Thị trấn Đinh Văn, Huyện Lâm Hà", "Dinh Van Town, Lam Ha District"),
        ),
    ),
    City(
        "Pleiku",
        ("Tỉnh Gia Lai", "Gia Lai Province"),
        "VN-30",
        13.98,
        108.00,
        "",
        ("coffee", "spices"),
        (
            ("Xã Ia Der, Huyện Ia Grai", "Ia Der Commune, Ia Grai District"),
            ("Thị trấn Chư Prông, Huyện Chư Prông", "Chu Prong Town, Chu Prong District"),
        ),
    ),
    City(
        "Đồng Xoài",
        ("Tỉnh Bình Phước", "Binh Phuoc Province"),
        "VN-58",
        11.54,
        106.90,
        "",
        ("nuts",),
        (
            (
                "KCN Đồng Xoài I, Xã Tiến Hưng, TP. Đồng Xoài",
                "Dong Xoai I Industrial Park, Tien Hung Commune, Dong Xoai City",
            ),
            ("Phường Minh Hưng, TX. Chơn Thành", "Minh Hung Ward, Chon Thanh Town"),
            ("Xã Tân Khai, Huyện Hớn Quản", "Tan Khai Commune, Hon Quan District"),
        ),
    ),
    City(
        "Cà Mau",
        ("Tỉnh Cà Mau", "Ca Mau Province"),
        "VN-59",
        9.18,
        105.15,
        "",
        ("seafood_shrimp",),
        (
            ("KCN Khánh An, Xã Khánh An, Huyện U Minh", "Khanh An Industrial Park, Khanh An Commune, U Minh District"),
            ("Phường 8, TP. Cà Mau", "Ward 8, Ca Mau City"),
        ),
    ),
    City(
        "Sóc Trăng",
        ("Tỉnh Sóc Trăng", "Soc Trang Province"),
        "VN-52",
        9.60,
        105.97,
        "",
        ("seafood_shrimp",),
        (
            (
                "KCN An Nghiệp, Xã An Hiệp, Huyện Châu Thành",
                "An Nghiep Industrial Park, An Hiep Commune, Chau Thanh District",
            ),
        ),
    ),
    City(
        "Long Xuyên",
        ("Tỉnh An Giang", "An Giang Province"),
        "VN-44",
        10.38,
        105.43,
        "",
        ("seafood_fish", "rice"),
        (
            (
                "KCN Bình Hòa, Xã Bình Hòa, Huyện Châu Thành",
                "Binh Hoa Industrial Park, Binh Hoa Commune, Chau Thanh District",
            ),
            ("Phường Mỹ Quý, TP. Long Xuyên", "My Quy Ward, Long Xuyen City"),
        ),
    ),
    City(
        ("Cần Thơ", "Can Tho"),
        ("TP. Cần Thơ", "Can Tho City"),
        "VN-CT",
        10.03,
        105.78,
        "",
        ("seafood_fish", "rice"),
        (
            (
                "KCN Trà Nóc 1, Phường Trà Nóc, Quận Bình Thủy",
                "Tra Noc 1 Industrial Park, Tra Noc Ward, Binh Thuy District",
            ),
            (
                "KCN Thốt Nốt, Phường Thới Thuận, Quận Thốt Nốt",
                "Thot Not Industrial Park, Thoi Thuan Ward, Thot Not District",
            ),
        ),
    ),
)

_COMPANY = ("{legal} {word} {trade}", "{trade} {word} {legal}")
_COOP = ("Hợp tác xã {word} {trade}", "{trade} {word} Cooperative")
_FARM = (("Thôn {n3}, {area}, {region}", "Hamlet {n3}, {area}, {region}"),)

KINDS = (
    Kind(
        "garment",
        32,
        (
            ("May mặc", "Garment"),
            ("May", "Garment"),
            ("Thời trang", "Fashion"),
            ("Dệt may", "Textile & Garment"),
            ("May xuất khẩu", "Garment Export"),
        ),
        goods=("Garments",),
    ),
    Kind(
        "footwear",
        15,
        (("Giày da", "Footwear"), ("Giày", "Shoes"), ("Da giày", "Leather & Footwear")),
        goods=("Footwear",),
    ),
    Kind(
        "textile",
        8,
        (("Sợi", "Yarn"), ("Dệt", "Weaving"), ("Dệt nhuộm", "Textile Dyeing"), ("Dệt kim", "Knitting")),
        goods=("Textiles",),
    ),
    Kind(
        "furniture",
        6,
        (("Chế biến gỗ", "Wood Processing"), ("Đồ gỗ", "Furniture"), ("Nội thất", "Furniture")),
        goods=("Furniture",),
    ),
    Kind(
        "seafood_fish",
        5,
        (
            ("Thủy sản", "Seafood"),
            ("Chế biến thủy sản", "Seafood Processing"),
            ("Xuất nhập khẩu thủy sản", "Seafood Import-Export"),
        ),
        base="seafood",
        goods=("Fish",),
        items=("Pangasius fillets", "Frozen tuna loins"),
    ),
    Kind(
        "seafood_shrimp",
        4,
        (("Thủy sản", "Seafood"), ("Chế biến thủy sản", "Seafood Processing")),
        base="seafood",
        items=("Frozen shrimp", "Cooked shrimp", "Breaded shrimp"),
    ),
    Kind(
        "coffee",
        8,
        (("Cà phê", "Coffee"), ("Nông sản", "Agricultural Products")),
        goods=("Coffee",),
        items=("Robusta green coffee", "Robusta cherries"),
        name_fmt=(_COMPANY, _COOP),
        address_fmt=_FARM,
    ),
    Kind(
        "nuts",
        5,
        (("Chế biến điều", "Cashew Processing"), ("Hạt điều", "Cashew"), ("Nông sản", "Agricultural Products")),
        goods=("Cashews",),
        items=("Cashew kernels W320", "Cashew kernels W240"),
    ),
    Kind(
        "spices",
        3,
        (("Hồ tiêu", "Pepper"), ("Gia vị", "Spices")),
        goods=("Pepper",),
        items=("Black pepper", "White pepper"),
    ),
    Kind("electronics", 4, (("Điện tử", "Electronics"), ("Linh kiện điện tử", "Electronic Components"))),
    Kind("packaging", 3, (("Bao bì", "Packaging"), ("Bao bì giấy", "Paper Packaging"), ("Nhựa", "Plastics"))),
    Kind(
        "rice",
        2,
        (("Lương thực", "Food"), ("Gạo", "Rice")),
        goods=("Rice",),
        items=("Jasmine rice", "Long grain white rice"),
    ),
)

COUNTRY = Country(
    code="VN",
    names=("Vietnam", "Viet Nam", "Việt Nam", "Socialist Republic of Vietnam", "Vietnam"),
    weight=130,
    cities=CITIES,
    kinds=KINDS,
    trade=(
        "Phú Thành",
        "Minh Khang",
        "Tân Hưng",
        "Đại Phát",
        "Hưng Thịnh",
        "Thịnh Phát",
        "Hoàng Long",
        "Thiên Phúc",
        "Phước Lộc",
        "An Khang",
        "Việt Hưng",
        "Nam Phong",
        "Kim Long",
        "Hải Nam",
        "Trường Sơn",
        "Hồng Phát",
        "Thành Đạt",
        "Gia Phú",
        "Phúc Hưng",
        "Lộc Phát",
        "Quang Minh",
        "Tiến Phát",
        "Tân Phú",
        "Bình An",
        "Vạn Lợi",
        "Hưng Long",
        "Nhật Minh",
        "Sao Việt",
        "Thái Sơn",
        "Đông Phương",
        "Phương Nam",
        "Thuận Phát",
        "Tường An",
        "Khải Hoàn",
    ),
    legal=(
        ("Công ty TNHH", "Co., Ltd."),
        ("Công ty TNHH", "Co., Ltd."),
        ("Công ty Cổ phần", "Joint Stock Company"),
        ("Công ty TNHH MTV", "One Member Co., Ltd."),
    ),
    name_fmt=(_COMPANY,),
    address_fmt=(
        ("Lô {lot}, {area}, {region}", "Lot {lot}, {area}, {region}"),
        ("Số {no}, Đường số {n2}, {area}, {region}", "No. {no}, Street {n2}, {area}, {region}"),
    ),
    branch_fmt=("{name} - Nhà máy {n}", "{name} - Factory No. {n}"),
    group_fmt=("Tập đoàn {trade}", "{trade} Group"),
    foreign_fmt=("Công ty TNHH {brand} Việt Nam", "{brand} Vietnam Co., Ltd."),
    fold=True,
)
