#!/bin/sh
# Install a lock of pinned packages into the environment of a Python.   Usage: sh scripts/install-lock.sh PYTHON LOCK
# pip installs one package after another, on one core; so the lock's packages go in as two halves side by side, each
# exactly its own packages (--no-deps, so the two never install the same one), and then pip installs the whole lock
# once more, which checks every package's requirements and adds anything missing. A half that fails is retried by
# that last pass, whose failure stops here. Interrupted, the half in the background is stopped too.
set -eu
python=$1
lock=$2
halves=$(mktemp -d)
first=""
trap 'rm -rf "$halves"' EXIT
stop() { [ -z "$first" ] || kill "$first" 2>/dev/null; rm -rf "$halves"; exit "$1"; }
trap 'stop 130' INT
trap 'stop 143' TERM
grep '==' "$lock" | awk 'NR % 2 == 1' > "$halves/1.txt"
grep '==' "$lock" | awk 'NR % 2 == 0' > "$halves/2.txt"
"$python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$halves/1.txt" &
first=$!
"$python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$halves/2.txt" || true
wait "$first" || true
first=""
"$python" -m pip install --quiet --disable-pip-version-check -r "$lock"
