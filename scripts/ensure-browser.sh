#!/bin/sh
# Make sure a headless browser and its driver are there for the browser tests of `make test` (JupyterLab
# driven as a learner drives it): Debian's chromium and chromium-driver packages, installed as root or through
# sudo like Graphviz; anywhere else stop with what to install. Learners (`make lab`) do not need them.
set -eu

works() { chromium --version >/dev/null 2>&1 && chromedriver --version >/dev/null 2>&1; }
works && exit 0

if [ -f /etc/debian_version ]; then
    if [ "$(id -u)" -eq 0 ]; then
        SUDO=""
    elif command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "Chromium is missing and this user cannot install OS packages." >&2
        echo "Ask an administrator to run:  apt-get install -y chromium chromium-driver" >&2
        exit 1
    fi
    echo "Installing Chromium and its driver (apt-get install chromium chromium-driver) for the browser tests..."
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 || {
        $SUDO apt-get update -q >/dev/null
        $SUDO apt-get install -y -q chromium chromium-driver >/dev/null
    }
    works && exit 0
    echo "apt-get finished but 'chromium --version' or 'chromedriver --version' still fails." >&2
    exit 1
fi

echo "The browser tests need Chromium and ChromeDriver as 'chromium' and 'chromedriver' on PATH." >&2
echo "Install your platform's chromium and chromium-driver packages, then run make test again." >&2
exit 1
