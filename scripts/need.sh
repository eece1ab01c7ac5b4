#!/bin/sh
# Make sure the system tools a make target needs are here.
#
#   scripts/need.sh CHECK:PACKAGE [CHECK:PACKAGE ...]
#
# CHECK is a command on PATH (wrk), an absolute path, globs allowed
# (/usr/lib/postgresql/*/bin/initdb), or py.MODULE (a module $PYTHON, default
# python3, can import: py.ensurepip). PACKAGE is the Debian package that
# provides it.
#
# Everything present: prints nothing, exits 0. Something missing: as root with
# apt-get, runs `apt-get update` once, then installs the missing packages
# (progress on stderr) and checks again. Otherwise prints ONE line on stdout
# naming the packages to install and exits 1. The Makefile's `need` function
# turns that line into make's own error, so a missing tool never gives more
# than that one line.
set -u
PYTHON=${PYTHON:-python3}

present() {
  case "$1" in
    py.*) "$PYTHON" -c "import ${1#py.}" >/dev/null 2>&1 ;;
    /*) for f in $1; do [ -e "$f" ] && return 0; done; return 1 ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

missing() {
  out=""
  for spec in "$@"; do
    check=${spec%%:*}
    package=${spec#*:}
    if ! present "$check"; then
      case " $out " in *" $package "*) ;; *) out="${out:+$out }$package" ;; esac
    fi
  done
  echo "$out"
}

packages=$(missing "$@")
[ -z "$packages" ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing $packages with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq >&2 \
    && apt-get -o DPkg::Lock::Timeout=300 install -y -qq $packages >&2
  still=$(missing "$@")
  [ -z "$still" ] && exit 0
  echo "apt-get could not install $still (see its messages above)"
  exit 1
fi

echo "missing system package(s): $packages; install with: sudo apt-get install $packages (or run make as root, which installs them)"
exit 1
