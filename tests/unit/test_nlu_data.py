"""The held-out NLU file is never trained on, and no example is under two intents."""
import subprocess
import sys
from pathlib import Path

import pytest

import yaml

from refund_desk.settings import PROJECT_ROOT as ROOT


def examples_with_repeats(path: Path) -> list[tuple[str, str]]:
    """(lower-cased example, intent) pairs in file order; lookup tables are word lists, not examples."""
    found = []
    for block in yaml.safe_load(path.read_text()).get("nlu", []):
        for line in block.get("examples", "").splitlines() if "intent" in block else []:
            text = line.strip()[2:].strip().lower()
            if text:
                found.append((text, block["intent"]))
    return found


def examples(path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for text, intent in examples_with_repeats(path):
        found.setdefault(text, intent)
    return found


def training_examples() -> dict[str, str]:
    training: dict[str, str] = {}
    for path in sorted((ROOT / "data").rglob("*.yml")):
        training.update(examples(path))
    return training


@pytest.mark.parametrize("name, at_least", [("heldout.yml", 200), ("dev_new_words.yml", 60),
                                             ("dev_imagined_customers.yml", 400)])
def test_own_held_out_examples_are_not_in_the_training_data(name, at_least):
    held_out = examples(ROOT / "tests" / "nlu" / name)
    assert len(held_out) >= at_least
    assert sorted(set(held_out) & set(training_examples())) == []


@pytest.mark.parametrize("name, unseen_at_least", [
    ("customer_heldout.yml", 300), ("customer_offtopic.yml", 100),
    ("customer_heldout_2.yml", 280), ("customer_offtopic_2.yml", 90)])
def test_customer_held_out_files_are_mostly_unseen(name, unseen_at_least):
    # Written by a hand that never saw data/; short stock phrases ("hi", "bye") coincide with
    # training examples. scripts/evaluate_nlu.py counts only the messages not trained on word for word.
    held_out = examples(ROOT / "tests" / "nlu" / name)
    assert len(set(held_out) - set(training_examples())) >= unseen_at_least


def test_no_clinc_validation_row_is_trained_on():
    sys.path.insert(0, str(ROOT / "scripts"))
    from clinc150 import rows

    training = set()
    for path in sorted((ROOT / "data").rglob("*.yml")):
        training.update(examples(path))
    validation = {" ".join(t.split()).lower() for t, _ in rows("val") + rows("oos_val")}
    assert len(validation) > 3000
    # CLINC repeats a few short phrasings ("yes", "hi") across its own splits; nothing longer
    assert sorted(t for t in validation & training if len(t.split()) > 2) == []


def test_clinc_training_files_are_what_the_script_writes(tmp_path):
    before = {p.name: p.read_text() for p in (ROOT / "data" / "nlu").glob("clinc_*.yml")}
    assert set(before) == {"clinc_out_of_scope.yml", "clinc_ours.yml"}
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_nlu_from_clinc.py")], check=True,
                   capture_output=True)
    after = {p.name: p.read_text() for p in (ROOT / "data" / "nlu").glob("clinc_*.yml")}
    assert after == before


def test_no_training_example_is_under_two_intents():
    seen: dict[str, str] = {}
    clashes = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for text, intent in examples_with_repeats(path):
            if text in seen and seen[text] != intent:
                clashes.append((text, seen[text], intent))
            seen.setdefault(text, intent)
    assert clashes == []


def test_training_never_reads_the_tests_folder():
    # `rasa train --data data` (Makefile) must not see tests/nlu/heldout.yml
    assert "--data data" in (ROOT / "Makefile").read_text()
    assert not (ROOT / "data" / "heldout.yml").exists()
