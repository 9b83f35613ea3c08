#!/bin/sh
# Make sure a headless browser and its driver are there for the browser tests of `make test` (JupyterLab
# driven as a learner drives it): Debian's chromium and chromium-driver packages, installed as root or through
# sudo like Graphviz; anywhere else stop with what to install. Learners (`make lab`) do not need them.
# The Korean edition's pages are looked at in it too, so it also wants a Korean font (fonts-nanum): without one,
# Hangul shows as empty boxes.
set -eu

korean_font() { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=ko family)" ]; }
works() { chromium --version >/dev/null 2>&1 && chromedriver --version >/dev/null 2>&1 && korean_font; }
works && exit 0

if [ -f /etc/debian_version ]; then
    sh "$(dirname "$0")/apt-install.sh" "for the browser tests" chromium chromium-driver fonts-nanum
    works && exit 0
    echo "apt-get finished but 'chromium --version' or 'chromedriver --version' still fails, or 'fc-list :lang=ko' finds no Korean font." >&2
    exit 1
fi

echo "The browser tests need Chromium and ChromeDriver as 'chromium' and 'chromedriver' on PATH." >&2
echo "Install your platform's chromium and chromium-driver packages and a Korean font (e.g. Noto Sans CJK), then run make test again." >&2
exit 1
