"""Messages in other languages, measured on a table written by a hand that never saw the code
(tests/nlu/languages.yml): is the language recognised (English left alone), and are the yes and no
words of each language read as answers? Prints the figures; exits 1 below a floor."""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project, to import it

from refund_desk.form_reading import yes_no_answer  # noqa: E402
from refund_desk.languages import detect_language  # noqa: E402
from refund_desk.settings import PROJECT_ROOT as ROOT  # noqa: E402

FLOORS = {"language": 0.95, "english_left_alone": 1.0, "yes_no": 0.85}


def main() -> int:
    table = yaml.safe_load((ROOT / "tests/nlu/languages.yml").read_text())
    messages = table["messages"]
    foreign = [m for m in messages if m["lang"] != "en"]
    english = [m for m in messages if m["lang"] == "en"]
    right = [m for m in foreign if detect_language(m["text"]) == m["lang"]]
    left_alone = [m for m in english if detect_language(m["text"]) is None]
    # YAML 1.1 reads the keys yes/no as booleans
    answers = [(word, expected) for lang, words in table["yes_no"].items() if lang != "en"
               for expected in (True, False) for word in words[expected]]
    read = [(w, e) for w, e in answers if yes_no_answer(w, None) is e]
    figures = {"language": len(right) / len(foreign), "english_left_alone": len(left_alone) / len(english),
               "yes_no": len(read) / len(answers)}
    languages = sorted({m["lang"] for m in foreign})
    print(f"other languages ({', '.join(languages)}): {len(right)}/{len(foreign)} messages recognised "
          f"({figures['language']:.4f}, floor {FLOORS['language']})")
    print(f"English messages left to the English model: {len(left_alone)}/{len(english)}")
    print(f"yes and no in those languages read as answers: {len(read)}/{len(answers)} "
          f"({figures['yes_no']:.4f}, floor {FLOORS['yes_no']})")
    for word, expected in answers:
        if (word, expected) not in read:
            print(f"  not read: {word!r} (a {'yes' if expected else 'no'})")
    failed = [name for name, floor in FLOORS.items() if figures[name] < floor]
    if failed:
        print(f"below the floor: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
