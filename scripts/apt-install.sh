#!/bin/sh
# Install Debian/Ubuntu packages as root or through sudo, quietly; shared by ensure-graphviz.sh and
# ensure-browser.sh.   Usage: sh scripts/apt-install.sh "what they are for" package...
# Exits 1 with the command to ask an administrator for when this user cannot install OS packages.
set -eu
purpose=$1
shift
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "$* missing and this user cannot install OS packages." >&2
    echo "Ask an administrator to run:  apt-get install -y $*" >&2
    exit 1
fi
echo "Installing $* (apt-get install) $purpose..."
export DEBIAN_FRONTEND=noninteractive
# install waits up to 5 minutes for dpkg's lock, which a fresh machine's unattended upgrades may hold
lock_wait="-o DPkg::Lock::Timeout=300"
$SUDO apt-get $lock_wait install -y -q "$@" >/dev/null 2>&1 || {
    $SUDO apt-get $lock_wait update -q >/dev/null
    $SUDO apt-get $lock_wait install -y -q "$@" >/dev/null
}
