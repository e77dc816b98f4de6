"""Prints the held-out NLU intent accuracy from `rasa test nlu` results; fails below the bar."""
import json
import sys
from pathlib import Path

THRESHOLD = 0.95


def main(report_dir: str) -> int:
    report = json.loads((Path(report_dir) / "intent_report.json").read_text())
    accuracy = report["accuracy"]
    total = int(report["weighted avg"]["support"])
    print(f"NLU held-out intent accuracy: {accuracy:.4f} on {total} examples (required: {THRESHOLD})")
    errors_file = Path(report_dir) / "intent_errors.json"
    if errors_file.exists():
        for e in json.loads(errors_file.read_text()):
            print(f"  misclassified: {e['text']!r}: expected {e['intent']}, got {e['intent_prediction']['name']}")
    return 0 if accuracy >= THRESHOLD else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "results/nlu"))
