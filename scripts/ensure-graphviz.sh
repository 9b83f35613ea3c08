#!/bin/sh
# Make sure Graphviz's `dot` works: keras.utils.plot_model needs it for every model diagram.
# On Debian/Ubuntu install the `graphviz` OS package (as root, or through sudo); anywhere else
# stop with the exact command for the platform.
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
case "$(uname -s)" in
    Darwin) echo "    brew install graphviz" >&2 ;;
    Linux)
        if [ -f /etc/fedora-release ] || [ -f /etc/redhat-release ]; then
            echo "    sudo dnf install graphviz" >&2
        elif [ -f /etc/arch-release ]; then
            echo "    sudo pacman -S graphviz" >&2
        elif [ -f /etc/alpine-release ]; then
            echo "    sudo apk add graphviz" >&2
        elif [ -f /etc/SuSE-release ] || [ -f /etc/SUSE-brand ]; then
            echo "    sudo zypper install graphviz" >&2
        else
            echo "    your distribution's 'graphviz' package, or: conda install -c conda-forge graphviz" >&2
        fi ;;
    *) echo "    winget install graphviz   (Windows), or: conda install -c conda-forge graphviz" >&2 ;;
esac
echo "then run the make command again." >&2
exit 1
