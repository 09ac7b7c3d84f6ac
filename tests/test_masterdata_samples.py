"""The sample master data (samples/masterdata): imports cleanly, twice changes nothing, fits the EDIFACT samples.

Also the importer's promises on other files: a row with a bad GTIN is refused with the reason while the
others go in, and an XLSX sheet reads like a CSV.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys

from conftest import SAMPLES
from openpyxl import Workbook
from sqlalchemy import select
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.context import Context
from pipeline.db.models import Document
from pipeline.masterdata.models import Customer, CustomerItem, Price, Product, Supplier
from pipeline.settings import Settings

FOLDER = SAMPLES / "masterdata"
MODELS = (Customer, Supplier, Product, CustomerItem, Price)
runner = CliRunner()


def adv(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def generator():
    spec = importlib.util.spec_from_file_location("masterdata_generate", FOLDER / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def snapshot() -> dict[str, list[tuple]]:
    """Every master data row, as plain values (ids included: an upsert must keep them)."""
    context = Context(Settings())
    with context.sessions() as session:
        tables = {}
        for model in MODELS:
            columns = [c.name for c in model.__table__.columns if c.name not in ("last_at",)]
            rows = session.scalars(select(model).order_by(model.id)).all()
            tables[model.__tablename__] = [tuple(getattr(row, name) for name in columns) for row in rows]
        return tables


def test_the_committed_files_are_what_the_generator_writes(tmp_path):
    written = generator().write(tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in FOLDER.glob("*.csv"))
    for path in written:
        assert path.read_bytes() == (FOLDER / path.name).read_bytes(), (
            f"{path.name} differs from the generator's output: run .venv/bin/python samples/masterdata/generate.py")


def test_the_samples_import_with_nothing_refused_and_twice_changes_nothing(adv_env):
    result = adv("masterdata", "import", str(FOLDER))
    assert result.exit_code == 0, result.output
    assert "refused" not in result.stderr
    first = snapshot()
    rows = generator().tables()
    assert {name: len(table) for name, table in first.items()} == {name: len(table) for name, table in rows.items()}
    durand = [row for row in first["prices"] if row[1] is not None and row[5] is not None]
    assert durand, "customer price lists with validity dates"

    again = adv("masterdata", "import", str(FOLDER))
    assert again.exit_code == 0, again.output
    assert snapshot() == first


def test_the_sample_orders_still_load_once_the_master_data_is_in(adv_env, tmp_path):
    """Every buyer is a customer, every line a product at its price in whole packs: no new finding."""
    assert adv("masterdata", "import", str(FOLDER)).exit_code == 0
    shutil.copytree(SAMPLES / "edifact", tmp_path / "edifact", ignore=shutil.ignore_patterns("manifest.json"))
    adv("ingest", str(tmp_path / "edifact"))
    manifest = json.loads((SAMPLES / "edifact" / "manifest.json").read_text(encoding="utf-8"))["samples"]
    meant = {(d["kind"], d["number"]): d["status"] for s in manifest if not s["duplicate_of"] for d in s["documents"]}
    context = Context(Settings())
    with context.sessions() as session:
        found = {(d.kind, d.number): (d.state, d.state_reason) for d in session.scalars(
            select(Document).where(Document.parent_id.is_not(None)))}
    for key, status in meant.items():
        if status == "validated":
            assert found[key][0] == "loaded", (key, found[key])


def test_a_bad_gtin_refuses_that_row_with_the_reason(adv_env, tmp_path):
    folder = tmp_path / "md"
    folder.mkdir()
    (folder / "products.csv").write_text(
        "item_id,gtin,description,unit,pack_size\n"
        "GOOD-1,3760123001014,Café moulu 250 g,PCE,\n"
        "BAD-1,3760123001015,Café en grains 1 kg,PCE,\n"  # check digit off by one
        "GOOD-2,,Prestation de livraison,C62,\n", encoding="utf-8")
    result = adv("masterdata", "import", str(folder))
    assert result.exit_code == 1
    assert "row 3: GTIN 3760123001015 is not valid" in result.stderr
    assert [row[1] for row in snapshot()["products"]] == ["GOOD-1", "GOOD-2"]


def test_an_xlsx_sheet_imports_like_a_csv(adv_env, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["item_id", "gtin", "description", "unit", "pack_size"])
    sheet.append(["BF-CAF250", "3760123001014", "Café moulu pur arabica 250 g", "PCE", 6])
    sheet.append(["BF-FAR55", 3760123001328, "Farine de blé T55 1 kg", "PCE", None])  # a GTIN typed as a number
    workbook.save(tmp_path / "products.xlsx")
    result = adv("masterdata", "import", str(tmp_path / "products.xlsx"))
    assert result.exit_code == 0, result.output
    products = {row[1]: row for row in snapshot()["products"]}
    assert products["BF-CAF250"][2] == "3760123001014" and products["BF-CAF250"][5] == 6
    assert products["BF-FAR55"][2] == "3760123001328" and products["BF-FAR55"][5] is None
