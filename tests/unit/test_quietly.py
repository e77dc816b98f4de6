"""`make run`'s quiet start: third-party deprecation warnings are ignored by the module that emits them;
ours, and every other kind of warning, still show."""
from __future__ import annotations

import logging
import subprocess
import sys
import warnings

import rasa.utils.common as rasa_common

from deploy.quietly import quiet_third_party_warnings
from refund_desk.settings import PROJECT_ROOT

PROBE = '''
import warnings
import sanic  # as Rasa and rasa-sdk do: it turns every DeprecationWarning on
warnings.warn_explicit("third-party deprecation", DeprecationWarning, "lib.py", 1, module="sqlalchemy.orm.query")
warnings.warn_explicit("the load_module() method is deprecated and slated for removal", DeprecationWarning,
                       "<frozen>", 2, module="importlib._bootstrap")
warnings.warn_explicit("our deprecation", DeprecationWarning, "ours.py", 3, module="connectors.slack")
warnings.warn_explicit("a third-party user warning", UserWarning, "lib.py", 4, module="rasa.core.agent")
warnings.warn_explicit("a third-party runtime warning", RuntimeWarning, "lib.py", 5, module="numpy.core")
print("probe ran")
'''


def test_a_module_run_quietly_shows_our_warnings_and_hides_third_party_deprecations(tmp_path):
    (tmp_path / "warning_probe.py").write_text(PROBE)
    result = subprocess.run([sys.executable, "-m", "deploy.quietly", "warning_probe"], cwd=PROJECT_ROOT,
                            env={"PYTHONPATH": f"{PROJECT_ROOT}:{tmp_path}", "PATH": "/usr/bin:/bin"},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "probe ran" in result.stdout, result.stderr
    assert "our deprecation" in result.stderr
    assert "a third-party user warning" in result.stderr and "a third-party runtime warning" in result.stderr
    assert "third-party deprecation" not in result.stderr and "load_module" not in result.stderr


def test_rasa_configuring_its_warnings_does_not_bring_them_back(monkeypatch):
    """Rasa puts "UserWarning once" in front when it starts; pyparsing's deprecations are both kinds."""
    monkeypatch.setattr(rasa_common, "_filter_warnings", rasa_common._filter_warnings)  # restored after

    class UserAndDeprecation(UserWarning, DeprecationWarning):
        pass

    with warnings.catch_warnings(record=True) as caught:
        warnings.resetwarnings()  # not pytest's filters (pyproject ignores DeprecationWarning)
        warnings.filterwarnings("once", category=DeprecationWarning)  # what importing Sanic does
        quiet_third_party_warnings(running_rasa=True)
        rasa_common._filter_warnings(log_level=logging.INFO)
        warnings.warn_explicit("pyparsing style", UserAndDeprecation, "m.py", 1, module="matplotlib.fontconfig_pattern")
        warnings.warn_explicit("ours", DeprecationWarning, "o.py", 2, module="refund_desk.records")
        warnings.warn_explicit("theirs, not a deprecation", UserWarning, "r.py", 3, module="rasa.shared.utils.io")
    assert sorted(str(w.message) for w in caught) == ["ours", "theirs, not a deprecation"]
