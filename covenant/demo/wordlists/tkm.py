"""Turkmenistan: state cotton ginning and spinning."""

from covenant.demo.wordlists._types import City, Country, Kind

CITIES = (
    City("Mary", "Mary welaýaty", "TM-M", 37.59, 61.83, "745400", ("cotton", "textile"), ("Baýramaly", "Murgap")),
    City("Türkmenabat", "Lebap welaýaty", "TM-L", 39.08, 63.58, "746100", ("cotton", "textile"), ("Çärjew", "Saýat")),
    City("Daşoguz", "Daşoguz welaýaty", "TM-D", 41.84, 59.97, "746300", ("cotton",), ("Görogly", "Boldumsaz")),
)

KINDS = (
    Kind("cotton", 3, (("pagta arassalaýjy zawody", "Cotton Ginning Plant"),), goods=("Cotton",)),
    Kind(
        "textile",
        2,
        (("egriji fabrigi", "Spinning Mill"), ("dokma toplumy", "Textile Complex")),
        items=("Cotton yarn", "Grey fabric"),
    ),
)

COUNTRY = Country(
    code="TM",
    names=("Turkmenistan", "Türkmenistan", "Turkmenistan"),
    weight=4,
    cities=CITIES,
    kinds=KINDS,
    trade=("Ak Ýüpek", "Bereket", "Gündogar", "Zähmet", "Rowaç", "Ýaşyl Ýurt", "Miras", "Garagum", "Amyderýa"),
    legal=("",),
    name_fmt=(("{area} «{trade}» {word}", "{area} {trade} {word}"),),
    address_fmt=(
        ("{region}, {area} etraby, {street} köçesi, {no}", "{no} {street} Street, {area} District, {region}"),
    ),
    streets=("Magtymguly", "Bitarap Türkmenistan", "Garaşsyzlyk", "Pagtaçylar"),
    fold=True,
)
