"""How sure a reason read in passing must be: right, wrong and unread readings at each certainty.

    PYTHONPATH=. .venv/bin/python scripts/sweep_reason_in_passing.py

Development openings only (tests/readers_dev/: reason_in_passing.yml by the readers' own hand,
refund_reason_openings.yml by another hand that read no code or data). A reason read in passing
that is wrong can decide a request wrongly; one not read is asked (one more question). The form
needs DECISIVE_IN_PASSING (refund_desk/readers.py) where the active refund policy's decision
turns on the reason, IN_PASSING elsewhere.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ruamel.yaml import YAML

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from refund_desk.readers import DECISIVE_IN_PASSING, IN_PASSING, NONE, read_in_passing  # noqa: E402

DEVELOPMENT_DIR = Path(__file__).resolve().parent.parent / "tests" / "readers_dev"
FILES = ("reason_in_passing.yml", "refund_reason_openings.yml")
CERTAINTIES = (0.5, 0.6, IN_PASSING, 0.7, 0.75, 0.8, 0.85, DECISIVE_IN_PASSING, 0.9, 0.95)


def main() -> int:
    for name in FILES:
        examples = YAML(typ="safe").load((DEVELOPMENT_DIR / name).read_text(encoding="utf-8"))["examples"]
        stated = [e for e in examples if e["label"] != NONE]
        unstated = [e for e in examples if e["label"] == NONE]
        print(f"{name}: {len(stated)} openings stating a reason, {len(unstated)} stating none")
        for certainty in sorted(set(CERTAINTIES)):
            read = [(e["label"], read_in_passing("refund_reason", e["text"], certainty)) for e in stated]
            right = sum(1 for want, got in read if got == want)
            wrong = sum(1 for want, got in read if got not in (None, want))
            invented = sum(1 for e in unstated if read_in_passing("refund_reason", e["text"], certainty))
            print(f"  certainty {certainty:.2f}: right {right}, wrong {wrong}, not read (asked) "
                  f"{len(stated) - right - wrong}; a reason read where none was stated {invented}; "
                  f"wrong among those read {wrong / max(1, right + wrong):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
