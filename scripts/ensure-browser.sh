#!/bin/sh
# Make sure the browser tests of `make test` (JupyterLab and the website, looked at as a learner does, and checked
# for WCAG 2.1 AA with axe-core) have what they need: Debian's chromium and chromium-driver packages, and Node.js
# with npm to install axe-core from tests/a11y/package-lock.json (into tests/a11y/node_modules, git-ignored);
# installed as root or through sudo like Graphviz; anywhere else stop with what to install. Learners (`make lab`)
# do not need them.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)

# The Debian packages of what is missing; only those are installed: a Node.js from elsewhere (NodeSource's, which
# brings its own npm) conflicts with Debian's npm package.
missing() {
    chromium --version >/dev/null 2>&1 || echo chromium
    chromedriver --version >/dev/null 2>&1 || echo chromium-driver
    command -v node >/dev/null 2>&1 || echo nodejs
    command -v npm >/dev/null 2>&1 || echo npm
}
works() { [ -z "$(missing)" ]; }
if ! works; then
    if [ -f /etc/debian_version ]; then
        # shellcheck disable=SC2046  # one word per package
        sh "$root/scripts/apt-install.sh" "for the browser tests" $(missing) || true  # then say what is missing
    fi
    if ! works; then
        echo "The browser tests need Chromium and ChromeDriver as 'chromium' and 'chromedriver' on PATH, and Node.js" >&2
        echo "with npm; install them, then run make test again." >&2
        exit 1
    fi
fi
[ -f "$root/tests/a11y/node_modules/axe-core/axe.min.js" ] && exit 0
echo "Installing axe-core (npm ci, tests/a11y/package-lock.json)..."
npm ci --prefix "$root/tests/a11y" --no-audit --no-fund --silent
