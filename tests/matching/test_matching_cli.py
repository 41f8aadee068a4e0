"""The ``covenant match`` command-line contract."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from covenant.matching.cli import main

REGISTRY = """\ufeffid,name,address,country,duns,lat,lng,extra
F1,"Ningbo Huayi Garments Co., Ltd.","No.11 Dongqian Lake Area, Yinxian Avenue, Ningbo",CN,,29.75,121.65,x
F2,Ningbo Rizi Dresses Co Ltd,"No. 20 Wenwei Road, Gulin Town, Ningbo",CN,,,,
F3,"Wenzhou Jietu Shoes Co.,Ltd","No.8 Shuangbao West Road, Ouhai, Wenzhou",CN,123456789,,,
F4,PT Sumber Mitra Gasutri,"Jalan Raya Keradenan No.38, Bogor",ID,,,,
F5,Saitex Vietnam,"Lot 225, Amata Industrial Park, Bien Hoa",VN,,,,
F6,Saitex Vietnam,"Lot 226, Amata Industrial Park, Bien Hoa",VN,,,,
"""

LIST = """id,country,name,address,comment
L1,cn,NINGBO HUAYI GARMENT,"11 Dongqian Lake, Yinxian Ave, Ningbo",first
L2,ID,PT. Sumber Mitra Gasutri Tbk,"Jl. Raya Keradenan No 38, Bogor",
L3,BD,Totally Unknown Knitting Mill,"Ashulia, Savar",
L4,VN,Saitex Vietnam,"Amata Industrial Park, Bien Hoa",
L5,CN,宁波华艺服装有限公司,宁波市鄞县大道东钱湖11号,
"""


def _read_out(out: Path) -> dict[str, dict[str, str]]:
    with open(out, encoding="utf-8", newline="") as fh:
        return {row["list_id"]: row for row in csv.DictReader(fh)}


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _run(tmp_path: Path, registry: str = REGISTRY, rows: str = LIST, *extra: str) -> tuple[int, Path]:
    reg = _write(tmp_path / "registry.csv", registry)
    lst = _write(tmp_path / "list.csv", rows)
    out = tmp_path / "out.csv"
    code = main(["--registry", str(reg), "--list", str(lst), "--out", str(out), "--workers", "1", *extra])
    return code, out


def test_output_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(tmp_path)
    assert code == 0
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["list_id", "registry_id", "score", "decision", "reason"]
    body = rows[1:]
    assert [r[0] for r in body] == ["L1", "L2", "L3", "L4", "L5"]
    decisions = {r[0]: (r[1], r[3]) for r in body}
    assert decisions["L1"] == ("F1", "match")
    assert decisions["L2"] == ("F4", "match")
    assert decisions["L3"] == ("", "new")
    assert decisions["L4"][1] == "review"
    assert decisions["L4"][0] in {"F5", "F6"}
    assert decisions["L5"] == ("F1", "match")
    for r in body:
        assert r[3] in {"match", "review", "new"}
        assert r[4] == ""
        assert len(r[2].split(".")[1]) == 4
        assert 0.0 <= float(r[2]) <= 1.0
    summary = capsys.readouterr().err.strip().splitlines()[-1]
    assert "5 rows" in summary
    assert "3 match" in summary
    assert "1 review" in summary
    assert "1 new" in summary
    assert "0 error" in summary
    assert "0 register rows skipped" in summary


def test_thresholds_options(tmp_path: Path) -> None:
    code, out = _run(tmp_path, REGISTRY, LIST, "--threshold-match", "1.0", "--threshold-review", "0.0")
    assert code == 0
    with open(out, encoding="utf-8") as fh:
        decisions = [row["decision"] for row in csv.DictReader(fh)]
    assert "match" not in decisions


def test_index_cache_is_reused_and_rebuilt_when_registry_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache" / "reg.idx"
    code, out = _run(tmp_path, REGISTRY, LIST, "--index-cache", str(cache))
    assert code == 0
    assert cache.exists()
    first = out.read_text(encoding="utf-8")
    code, out = _run(tmp_path, REGISTRY, LIST, "--index-cache", str(cache))
    assert code == 0
    assert out.read_text(encoding="utf-8") == first
    changed = REGISTRY + 'F7,Totally Unknown Knitting Mill,"Ashulia, Savar",BD,,,,\n'
    capsys.readouterr()
    code, out = _run(tmp_path, changed, LIST, "--index-cache", str(cache))
    assert code == 0
    assert "rebuilding" in capsys.readouterr().err
    assert "F7" in out.read_text(encoding="utf-8")


def test_missing_header_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(tmp_path, REGISTRY, "id,name,country\nL1,Foo,CN\n")
    assert code == 2
    err = capsys.readouterr().err
    assert "missing column(s) address" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_unknown_country_reports_the_spreadsheet_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The header is row 1, so the second data record is row 3, however many lines the first one spans.
    rows = 'id,name,address,country\nL1,Foo,"multi\nline\naddress",CN\nL2,Baz,Bar,XX\n'
    code, out = _run(tmp_path, REGISTRY, rows)
    assert code == 0
    err = capsys.readouterr().err
    assert "list.csv: row 3: unknown country code 'XX'" in err
    assert "Traceback" not in err
    assert _read_out(out)["L2"]["reason"].startswith("row 3: unknown country code 'XX'")


def test_empty_rows_are_counted_in_row_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = _run(tmp_path, REGISTRY, "id,name,address,country\n\nL1,Foo,Bar,CN\n,,,\nL2,,Bar,CN\n")
    assert code == 0
    assert "list.csv: row 5: empty name (decision error)" in capsys.readouterr().err


def test_register_with_unusable_rows_in_the_middle_still_matches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = REGISTRY.splitlines(keepends=True)
    # Rows 2-4 are F1-F3; the bad rows become rows 5-8, F4-F6 rows 9-11.
    bad = [
        'F7,,"No. 1 Somewhere Road",CN,,,,\n',
        ",Nameless Id Textiles,Dhaka,BD,,,,\n",
        "F8,Bogus Country Mill,Somewhere,China,,,,\n",
        'F1,Duplicate Huayi,"Ningbo",CN,,,,\n',
    ]
    code, out = _run(tmp_path, "".join(lines[:4] + bad + lines[4:]), LIST)
    assert code == 0
    decisions = {k: (v["registry_id"], v["decision"]) for k, v in _read_out(out).items()}
    assert decisions["L1"] == ("F1", "match")
    assert decisions["L2"] == ("F4", "match")
    assert decisions["L3"] == ("", "new")
    assert decisions["L5"] == ("F1", "match")
    err = capsys.readouterr().err
    assert "registry.csv: row 5: empty name (register row skipped)" in err
    assert "registry.csv: row 6: empty id (register row skipped)" in err
    assert "registry.csv: row 7: unknown country code 'China'" in err
    assert "registry.csv: row 8: duplicate id 'F1' (first on row 2) (register row skipped)" in err
    assert "Traceback" not in err
    summary = err.strip().splitlines()[-1]
    assert "5 rows" in summary
    assert "0 error" in summary
    assert "4 register rows skipped" in summary


def test_list_with_bad_rows_gets_error_decisions_for_them_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = LIST.splitlines(keepends=True)
    bad = [
        "LX,XX,Some Mill,Somewhere,\n",  # row 4
        "LY,CN,,No name Road,\n",  # row 5
        ",BD,,,\n",  # row 6: no id, no name, no address
    ]
    code, out = _run(tmp_path, REGISTRY, "".join(lines[:3] + bad + lines[3:]))
    assert code == 0
    with open(out, encoding="utf-8", newline="") as fh:
        body = list(csv.DictReader(fh))
    assert [r["list_id"] for r in body] == ["L1", "L2", "LX", "LY", "", "L3", "L4", "L5"]
    got = {r["list_id"]: r for r in body}
    assert (got["L1"]["registry_id"], got["L1"]["decision"]) == ("F1", "match")
    assert (got["L2"]["registry_id"], got["L2"]["decision"]) == ("F4", "match")
    assert got["L3"]["decision"] == "new"
    assert got["L4"]["decision"] == "review"
    assert (got["L5"]["registry_id"], got["L5"]["decision"]) == ("F1", "match")
    for key in ("LX", "LY", ""):
        assert (got[key]["registry_id"], got[key]["score"], got[key]["decision"]) == ("", "", "error")
    assert got["LX"]["reason"].startswith("row 4: unknown country code 'XX'")
    assert got["LY"]["reason"] == "row 5: empty name"
    assert got[""]["reason"] == "row 6: empty id; empty name"
    for key in ("L1", "L2", "L3", "L4", "L5"):
        assert got[key]["reason"] == ""
    err = capsys.readouterr().err
    assert "list.csv: row 4: unknown country code 'XX'" in err
    assert "list.csv: row 5: empty name (decision error)" in err
    assert "list.csv: row 6: empty id; empty name (decision error)" in err
    summary = err.strip().splitlines()[-1]
    assert "8 rows: 3 match, 1 review, 1 new, 3 error" in summary


@pytest.mark.parametrize(
    ("registry", "message"),
    [
        ("id,name,address,country\nF1,Foo,Bar,China\n,Baz,Qux,CN\n", "no usable register row (2 skipped)"),
        ("id,name,address,country\n", "no usable register row (0 skipped)"),
        ("id,name,country\nF1,Foo,CN\n", "header is missing column(s) address"),
    ],
)
def test_register_it_cannot_match_against_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], registry: str, message: str
) -> None:
    cache = tmp_path / "reg.idx"
    code, out = _run(tmp_path, registry, LIST, "--index-cache", str(cache))
    assert code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert not out.exists()
    assert not cache.exists()


def test_bad_registry_rows_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = _run(tmp_path, "id,name,address,country\nF1,Foo,Bar,China\n", LIST)
    assert code == 2
    err = capsys.readouterr().err
    assert "registry.csv: row 2: unknown country code 'China'" in err


def test_unwritable_output_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reg = _write(tmp_path / "registry.csv", REGISTRY)
    lst = _write(tmp_path / "list.csv", LIST)
    out = tmp_path / "no-such-dir" / "out.csv"
    assert main(["--registry", str(reg), "--list", str(lst), "--out", str(out), "--workers", "1"]) == 1
    err = capsys.readouterr().err
    assert "cannot access" in err
    assert "no-such-dir" in err
    assert not out.parent.exists()


def test_cached_index_still_reports_skipped_register_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cache = tmp_path / "reg.idx"
    registry = REGISTRY + 'F9,,"No. 1 Somewhere Road",CN,,,,\n'
    code, out = _run(tmp_path, registry, LIST, "--index-cache", str(cache))
    assert code == 0
    first = out.read_text(encoding="utf-8")
    assert "registry.csv: row 8: empty name" in capsys.readouterr().err
    code, out = _run(tmp_path, registry, LIST, "--index-cache", str(cache))
    assert code == 0
    assert out.read_text(encoding="utf-8") == first
    err = capsys.readouterr().err
    assert "rebuilding" not in err
    assert "registry.csv: row 8: empty name (register row skipped)" in err
    assert "1 register rows skipped" in err.strip().splitlines()[-1]


def test_missing_file_and_bad_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.csv"
    lst = _write(tmp_path / "list.csv", LIST)
    code = main(["--registry", str(tmp_path / "nope.csv"), "--list", str(lst), "--out", str(out)])
    assert code == 1
    assert "nope.csv" in capsys.readouterr().err
    assert main(["--list", str(lst)]) == 2
    assert main(["--registry", str(lst), "--list", str(lst), "--out", str(out), "--workers", "0"]) == 2
    assert (
        main(
            [
                "--registry",
                str(lst),
                "--list",
                str(lst),
                "--out",
                str(out),
                "--threshold-match",
                "0.1",
                "--threshold-review",
                "0.5",
            ]
        )
        == 2
    )
    assert "Traceback" not in capsys.readouterr().err


def test_list_in_a_legacy_encoding_is_read(tmp_path: Path) -> None:
    # What Excel on Windows saves as "CSV": cp1252 and semicolons, as a web upload may be.
    reg = _write(tmp_path / "registry.csv", REGISTRY)
    lst = tmp_path / "list.csv"
    lst.write_bytes(
        "id;name;address;country\r\nL1;Café Ningbo Huayi Garments;Yinxian Avenue, Ningbo;CN\r\n".encode("cp1252")
    )
    out = tmp_path / "o.csv"
    assert main(["--registry", str(reg), "--list", str(lst), "--out", str(out), "--workers", "1"]) == 0
    with open(out, encoding="utf-8") as fh:
        assert [(row["list_id"], row["registry_id"]) for row in csv.DictReader(fh)] == [("L1", "F1")]


def test_undecodable_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reg = _write(tmp_path / "registry.csv", REGISTRY)
    lst = tmp_path / "list.csv"
    # A UTF-8 byte-order mark promises UTF-8; the body is cp1252.
    lst.write_bytes(b"\xef\xbb\xbf" + "id,name,address,country\nL1,Café,Rue,FR\n".encode("cp1252"))
    code = main(["--registry", str(reg), "--list", str(lst), "--out", str(tmp_path / "o.csv")])
    assert code == 2
    err = capsys.readouterr().err
    assert "list.csv: We could not read the file as text" in err
    assert "Traceback" not in err


def test_xlsx_list(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Supplier list"])
    sheet.append(["id", "name", "address", "country"])
    sheet.append([101, "NINGBO HUAYI GARMENT", "11 Dongqian Lake, Yinxian Ave, Ningbo", "CN"])
    workbook.save(tmp_path / "list.xlsx")
    reg = _write(tmp_path / "registry.csv", REGISTRY)
    out = tmp_path / "o.csv"
    assert (
        main(["--registry", str(reg), "--list", str(tmp_path / "list.xlsx"), "--out", str(out), "--workers", "1"]) == 0
    )
    with open(out, encoding="utf-8") as fh:
        assert [(row["list_id"], row["registry_id"]) for row in csv.DictReader(fh)] == [("101", "F1")]


def test_xlsx_row_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A3"], sheet["B3"], sheet["C3"], sheet["D3"] = "id", "name", "address", "country"
    sheet.append(["L1", "Foo", "Bar", "CN"])
    sheet.append([])
    sheet.append(["L2", "Baz", "Bar", "Narnia"])
    workbook.save(tmp_path / "list.xlsx")
    reg = _write(tmp_path / "registry.csv", REGISTRY)
    out = tmp_path / "o.csv"
    code = main(["--registry", str(reg), "--list", str(tmp_path / "list.xlsx"), "--out", str(out), "--workers", "1"])
    assert code == 0
    assert "list.xlsx: row 6: unknown country code 'Narnia'" in capsys.readouterr().err
    assert _read_out(out)["L2"]["decision"] == "error"


def test_empty_list_writes_header_only(tmp_path: Path) -> None:
    code, out = _run(tmp_path, REGISTRY, "id,name,address,country\n")
    assert code == 0
    assert out.read_text(encoding="utf-8").splitlines() == ["list_id,registry_id,score,decision,reason"]


def test_many_rows_with_workers(tmp_path: Path) -> None:
    # Bad rows among them: the results of the workers must still land on their own rows.
    body = "".join(f"L{i},Ningbo Huayi Garments,Ningbo,{'XX' if i % 97 == 5 else 'CN'}\n" for i in range(600))
    reg = _write(tmp_path / "registry.csv", REGISTRY)
    lst = _write(tmp_path / "list.csv", "id,name,address,country\n" + body)
    out = tmp_path / "out.csv"
    assert main(["--registry", str(reg), "--list", str(lst), "--out", str(out), "--workers", "2"]) == 0
    with open(out, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["list_id"] for r in rows] == [f"L{i}" for i in range(600)]
    for i, r in enumerate(rows):
        bad = i % 97 == 5
        assert r["decision"] == ("error" if bad else "match")
        assert r["registry_id"] == ("" if bad else "F1")
        assert r["reason"].startswith(f"row {i + 2}: unknown country") == bad
