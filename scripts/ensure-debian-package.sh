#!/usr/bin/env bash
# ensure-debian-package.sh COMMAND PACKAGE
# Installs Debian's PACKAGE with apt-get when it is missing; says why when it cannot.
# COMMAND is a program the package provides: the check is `command -v COMMAND`. A package that
# provides no program (fonts-noto-cjk) passes `-` instead, and the check asks dpkg whether the
# package is installed. Both checks are cheap, so `make test` runs them every time.
set -euo pipefail
command_name=$1 package=$2

present() {
  if [ "$command_name" = "-" ]; then
    [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" = "install ok installed" ]
  else
    command -v "$command_name" >/dev/null 2>&1
  fi
}
what=$([ "$command_name" = "-" ] && echo "Debian's '$package'" || echo "'$command_name'")
present && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "envelope: $what is missing and installing Debian's '$package' needs root." >&2
  echo "          Run: sudo apt-get install -y $package" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "envelope: $what is missing and this system has no apt-get; install '$package' with its package manager." >&2
  exit 1
fi
echo "envelope: installing Debian's $package (for $what) ..." >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "$package" >/dev/null
present || { echo "envelope: installed $package but $what is still missing" >&2; exit 1; }
