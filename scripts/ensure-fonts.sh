#!/bin/sh
# Make sure every language of locale/ has a font for its letters, for its figures (matplotlib) and its pages in a
# browser: a language whose locale/<lang>/fonts lists Debian packages needs `fc-list :lang=<lang>` to find a font
# (without one, its letters show as empty boxes). On Debian/Ubuntu install those packages (as root, or through
# sudo) like Graphviz; anywhere else stop with what to install.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)

missing_fonts() {
    for folder in "$root"/locale/*/; do
        lang=$(basename "$folder")
        [ -f "$folder/fonts" ] || continue
        if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list ":lang=${lang%%-*}" family)" ]; then
            cat "$folder/fonts"
        fi
    done
}
[ -z "$(missing_fonts)" ] && exit 0

if [ -f /etc/debian_version ]; then
    # shellcheck disable=SC2046  # one package per word
    sh "$root/scripts/apt-install.sh" "for the translated editions' letters" fontconfig $(missing_fonts)
    [ -z "$(missing_fonts)" ] && exit 0
    echo "apt-get finished but a language of locale/ still has no font (fc-list :lang=<lang>)." >&2
    exit 1
fi
echo "A language of locale/ has no font for its letters; install these (Debian names): $(missing_fonts)" >&2
exit 1
