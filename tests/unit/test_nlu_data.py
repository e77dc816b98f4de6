"""The held-out NLU file is never trained on, and no example is under two intents."""
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def examples(path: Path) -> dict[str, str]:
    found = {}
    for block in yaml.safe_load(path.read_text()).get("nlu", []):
        for line in block.get("examples", "").splitlines():
            text = line.strip()[2:].strip().lower()
            if text:
                found.setdefault(text, block["intent"])
    return found


def test_held_out_examples_are_not_in_the_training_data():
    training = {}
    for path in sorted((ROOT / "data").rglob("*.yml")):
        training.update(examples(path))
    held_out = examples(ROOT / "tests" / "nlu" / "heldout.yml")
    assert len(held_out) >= 200
    assert sorted(set(held_out) & set(training)) == []


def test_no_training_example_is_under_two_intents():
    seen: dict[str, str] = {}
    clashes = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text())["nlu"]:
            for line in block.get("examples", "").splitlines():
                text = line.strip()[2:].strip().lower()
                if text in seen and seen[text] != block["intent"]:
                    clashes.append((text, seen[text], block["intent"]))
                seen.setdefault(text, block["intent"])
    assert clashes == []


def test_training_never_reads_the_tests_folder():
    # `rasa train --data data` (Makefile) must not see tests/nlu/heldout.yml
    assert "--data data" in (ROOT / "Makefile").read_text()
    assert not (ROOT / "data" / "heldout.yml").exists()
