#!/bin/sh
# Make sure Graphviz's `dot` works: keras.utils.plot_model needs it for every model diagram.
# On Debian/Ubuntu install the `graphviz` OS package (as root, or through sudo); anywhere else
# stop with the exact command for the platform.
set -eu

works() { dot -V >/dev/null 2>&1; }
works && exit 0

if [ -f /etc/debian_version ]; then
    if [ "$(id -u)" -eq 0 ]; then
        SUDO=""
    elif command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "Graphviz is missing and this user cannot install OS packages." >&2
        echo "Ask an administrator to run:  apt-get install -y graphviz" >&2
        exit 1
    fi
    echo "Installing Graphviz (apt-get install graphviz) for the model diagrams..."
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get install -y -q graphviz >/dev/null 2>&1 || {
        $SUDO apt-get update -q >/dev/null
        $SUDO apt-get install -y -q graphviz >/dev/null
    }
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
