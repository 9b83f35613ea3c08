#!/bin/sh
# Make sure a headless browser and its driver are there for the browser tests of `make test` (JupyterLab and the
# website, looked at as a learner does): Debian's chromium and chromium-driver packages, installed as root or through
# sudo like Graphviz; anywhere else stop with what to install. Learners (`make lab`) do not need them.
# Every edition's pages are looked at too, so each language of locale/ that lists font packages in locale/<lang>/fonts
# needs a font for its script (without one, its letters show as empty boxes): fc-list :lang=<lang> must find one.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)

missing_fonts() {
    for folder in "$root"/locale/*/; do
        lang=$(basename "$folder")
        [ -f "$folder/fonts" ] || continue
        if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list ":lang=$lang" family)" ]; then
            cat "$folder/fonts"
        fi
    done
}
works() { chromium --version >/dev/null 2>&1 && chromedriver --version >/dev/null 2>&1 && [ -z "$(missing_fonts)" ]; }
works && exit 0

if [ -f /etc/debian_version ]; then
    # shellcheck disable=SC2046  # one package per word
    sh "$root/scripts/apt-install.sh" "for the browser tests" chromium chromium-driver fontconfig $(missing_fonts)
    works && exit 0
    echo "apt-get finished but 'chromium --version' or 'chromedriver --version' still fails, or a language of locale/ still has no font (fc-list :lang=<lang>)." >&2
    exit 1
fi

echo "The browser tests need Chromium and ChromeDriver as 'chromium' and 'chromedriver' on PATH, and a font for every" >&2
echo "language of locale/ (the Debian packages are listed in locale/<lang>/fonts); install them, then run make test again." >&2
exit 1
