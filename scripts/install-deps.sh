#!/usr/bin/env bash
# Installs everything caresim needs to build, test and run on Debian 12 (as root):
# compiler with OpenMP, GSL, libconfig, HDF5 (library + command-line tools), gnuplot
# without X, cmocka, and Chromium (tests load `caresim report --html` pages in it,
# headless). Idempotent: when every package is present it installs nothing.
# Pass --mpi to add Open MPI for the optional `make mpi` build, --fuzz to add clang and its
# libFuzzer runtime for `make fuzz` (both may be given).
set -euo pipefail

packages=(gcc make pkg-config libgsl-dev libconfig-dev libhdf5-dev hdf5-tools
          gnuplot-nox libcmocka-dev libgomp1 chromium)
for arg in "$@"; do
    case "$arg" in
        --mpi) packages+=(libopenmpi-dev openmpi-bin) ;;
        --fuzz) packages+=(clang libclang-rt-14-dev) ;;
    esac
done

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        exec sudo "$0" "$@"
    fi
    echo "install-deps: must run as root to install: ${missing[*]}" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
