#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter: $PYTHON, then python3.10, then pyenv's 3.10.
set -u
is310() { [ -n "$1" ] && "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; }
for candidate in "${PYTHON:-}" python3.10; do
  if is310 "$candidate"; then command -v "$candidate"; exit 0; fi
done
if command -v pyenv >/dev/null 2>&1; then
  for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.|$)' | sort -V -r); do
    p="$(pyenv root)/versions/$v/bin/python3.10"
    if is310 "$p"; then echo "$p"; exit 0; fi
  done
fi
cat >&2 <<'MSG'
No Python 3.10 found. Rasa 3.6 needs exactly Python 3.10. Install one of:
  - Debian/Ubuntu: sudo apt-get install python3.10 python3.10-venv (or use the deadsnakes PPA)
  - pyenv:         pyenv install 3.10.13
then run make again, or point to it: make PYTHON=/path/to/python3.10 ...
MSG
exit 1
