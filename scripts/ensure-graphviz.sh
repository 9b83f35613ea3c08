#!/bin/sh
# Make sure Graphviz's `dot` works: keras.utils.plot_model needs it for every model diagram.
# On Debian/Ubuntu install the `graphviz` OS package (as root, or through sudo); anywhere else stop
# with the command for the platform, which the doctor knows (helpers.doctor.GRAPHVIZ_FIXES).
# Usage: sh scripts/ensure-graphviz.sh PYTHON   (the course's .venv/bin/python, if it is there yet)
set -eu

works() { dot -V >/dev/null 2>&1; }
works && exit 0

if [ -f /etc/debian_version ]; then
    sh "$(dirname "$0")/apt-install.sh" "for the model diagrams" graphviz
    works && exit 0
    echo "apt-get finished but 'dot -V' still fails; check the graphviz package." >&2
    exit 1
fi

echo "Graphviz's 'dot' is missing; the model diagrams need it. Install it with:" >&2
if [ -x "${1:-}" ] && fix=$("$1" -m helpers.doctor --graphviz-fix 2>/dev/null); then
    echo "    $fix" >&2
else
    echo "    your system's graphviz package (make doctor names the command once .venv is set up)" >&2
fi
echo "then run the make command again." >&2
exit 1
