"""The extractor version follows the rules: any change to a rule or lexicon byte changes it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from events import Span
from services.ingest.extract import version as v
from services.ingest.extract.base import Document


@pytest.fixture
def copy(tmp_path: Path) -> tuple[Path, Path]:
    """The extractor's package folder and the metric catalogue, copied."""
    extract = tmp_path / "extract"
    shutil.copytree(v.EXTRACT_DIR, extract, ignore=shutil.ignore_patterns("__pycache__"))
    catalogue = tmp_path / "metrics.toml"
    shutil.copyfile(v.CATALOGUE, catalogue)
    return extract, catalogue


def digest(extract: Path, catalogue: Path) -> str:
    return v.rules_digest(v.rule_files(extract, catalogue), extract)


def flip_one_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    i = data.rindex(b"a")
    data[i] = ord("b")
    path.write_bytes(bytes(data))


def test_the_version_is_the_package_version_plus_the_rules_digest() -> None:
    version = v.extractor_version()
    assert re.fullmatch(r"[0-9][0-9A-Za-z.]*\+rules\.[0-9a-f]{12}", version)
    assert version.startswith(v.package_version() + "+rules.")
    assert version.endswith(v.rules_digest(v.rule_files()))
    assert len(version) <= 32  # the width of the projections' extractor_version column


def test_a_copy_of_the_same_rules_has_the_same_digest(copy: tuple[Path, Path]) -> None:
    assert digest(*copy) == v.rules_digest(v.rule_files())


def test_every_rule_file_is_covered() -> None:
    names = {p.name for p in v.rule_files()}
    assert {"metrics.toml", "agencies.toml", "statistics.py", "base.py"} <= names


@pytest.mark.parametrize("name", ["agencies.toml", "statistics.py", "metrics.toml"])
def test_changing_one_byte_changes_the_digest(copy: tuple[Path, Path], name: str) -> None:
    extract, catalogue = copy
    before = digest(extract, catalogue)
    flip_one_byte(catalogue if name == "metrics.toml" else extract / name)
    assert digest(extract, catalogue) != before


def test_new_lexicon_files_count_and_caches_do_not(copy: tuple[Path, Path]) -> None:
    extract, catalogue = copy
    before = digest(extract, catalogue)
    (extract / "__pycache__").mkdir()
    (extract / "__pycache__" / "base.cpython-311.pyc").write_bytes(b"\0compiled")
    assert digest(extract, catalogue) == before
    lexicon = extract / "lexicon" / "en"
    lexicon.mkdir(parents=True)
    (lexicon / "hedges.toml").write_text('words = ["about"]\n', "utf-8")
    with_lexicon = digest(extract, catalogue)
    assert with_lexicon != before
    (lexicon / "hedges.toml").rename(lexicon / "scales.toml")  # a file's name counts too
    assert digest(extract, catalogue) not in (before, with_lexicon)


def test_line_endings_do_not_change_the_digest(copy: tuple[Path, Path]) -> None:
    extract, catalogue = copy
    before = digest(extract, catalogue)
    toml = extract / "agencies.toml"
    toml.write_bytes(toml.read_bytes().replace(b"\n", b"\r\n"))
    assert digest(extract, catalogue) == before


def test_facts_carry_the_current_version() -> None:
    doc = Document("In 2023 it rose.", date(2024, 1, 1))
    assert doc.source(Span(start=0, end=4)).extractor_version == v.extractor_version()
    assert doc.source(Span(start=0, end=4), version="old").extractor_version == "old"


def test_importing_the_extractor_reads_no_rule_files() -> None:
    code = (
        "import services.cli, services.ingest.reextract, services.ingest.service\n"
        "from services.ingest.extract.version import extractor_version\n"
        "assert extractor_version.cache_info().currsize == 0\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_the_programme_catalogue_is_covered(tmp_path: Path) -> None:
    programmes = tmp_path / "programmes.toml"
    shutil.copyfile(v.PROGRAMMES, programmes)
    files = v.rule_files(programme_catalogue=programmes)
    before = v.rules_digest(files)
    flip_one_byte(programmes)
    assert programmes in files and v.rules_digest(files) != before
