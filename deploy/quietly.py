"""Runs a module as `python -m` would, without the third-party deprecation warnings of a start.

    python -m deploy.quietly rasa run --model ...      # what `make run` starts
    python -m deploy.quietly actions.server --port 5055

Rasa 3.6, its libraries and Python 3.10 print a screen of deprecation warnings at every start
(SQLAlchemy 2.0 moves, pkg_resources, distutils, pyparsing, jax, the import system's
load_module) that nobody running the assistant can act on, and Sanic turns every
DeprecationWarning on for the whole process when it is imported. Here those are ignored where
they are emitted: by category (DeprecationWarning and its subclasses) and by the module that
emits them, the libraries named in THIRD_PARTY only. A deprecation in our own code
(refund_desk, actions, connectors, deploy, scripts, web) and every other warning still shows.
Rasa puts "show UserWarning once" in front of every filter when it configures its logging, and
pyparsing's deprecation warnings are UserWarnings too: ours go in front again after Rasa's.
Sanic's workers are forked from this process, so they inherit the filters.
"""
from __future__ import annotations

import re
import runpy
import sys
import warnings

# Libraries whose start-up deprecation warnings are not ours to fix (Rasa pins their versions).
THIRD_PARTY = ("rasa", "rasa_sdk", "sanic", "sanic_cors", "sanic_jwt", "sanic_routing", "sqlalchemy",
               "pkg_resources", "setuptools", "tensorflow", "keras", "tensorflow_hub", "jax", "absl", "google",
               "h5py", "matplotlib", "pyparsing", "ruamel", "networkx", "scipy", "sklearn", "numpy",
               "aiohttp", "websockets", "socketio", "engineio", "apscheduler", "dateutil", "pytz")
THIRD_PARTY_MODULES = r"(?:%s)(?:\..*)?$" % "|".join(re.escape(name) for name in THIRD_PARTY)
# The import system's own warning, raised on behalf of an old-style importer (six, in TensorFlow).
IMPORT_SYSTEM_MESSAGE = r"the load_module\(\) method is deprecated"


def quiet_third_party_warnings(running_rasa: bool) -> None:
    """Deprecation warnings emitted in THIRD_PARTY modules are ignored, ahead of the filters that
    Sanic (on import) and Rasa (when it configures logging) put in front of every other."""
    import sanic  # noqa: F401: its filter first, so that ours, added after, come before it

    _ignore_third_party_deprecations()
    if not running_rasa:
        return
    import rasa.utils.common as rasa_common

    rasa_filters = rasa_common._filter_warnings

    def rasa_filters_then_ours(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202: Rasa's signature
        rasa_filters(*args, **kwargs)
        _ignore_third_party_deprecations()

    rasa_common._filter_warnings = rasa_filters_then_ours


def _ignore_third_party_deprecations() -> None:
    warnings.filterwarnings("ignore", category=DeprecationWarning, module=THIRD_PARTY_MODULES)
    warnings.filterwarnings("ignore", message=IMPORT_SYSTEM_MESSAGE, category=DeprecationWarning,
                            module=r"importlib\._bootstrap$")


def main(argv: list[str]) -> None:
    if not argv:
        raise SystemExit("usage: python -m deploy.quietly MODULE [ARGUMENTS]")
    quiet_third_party_warnings(running_rasa=argv[0].split(".")[0] == "rasa")
    module, sys.argv = argv[0], [argv[0].rsplit(".", 1)[-1], *argv[1:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
