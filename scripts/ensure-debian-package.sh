#!/usr/bin/env bash
# ensure-debian-package.sh COMMAND PACKAGE
# Installs Debian's PACKAGE with apt-get when COMMAND is not on PATH; says why when it cannot.
# COMMAND may be an absolute path instead (a file the package installs, e.g. a font).
set -euo pipefail
command_name=$1 package=$2
present() {
  case $command_name in
    /*) test -e "$command_name" ;;
    *) command -v "$command_name" >/dev/null 2>&1 ;;
  esac
}
present && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "envelope: '$command_name' is missing and installing Debian's '$package' needs root." >&2
  echo "          Run: sudo apt-get install -y $package" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "envelope: '$command_name' is missing and this system has no apt-get; install '$package' with its package manager." >&2
  exit 1
fi
echo "envelope: installing Debian's $package (for '$command_name') ..." >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "$package" >/dev/null
present || { echo "envelope: installed $package but '$command_name' is still missing" >&2; exit 1; }
