#!/usr/bin/env bash
# setup-highs.sh — make HiGHS >= 1.10 available to pkg-config and the linker.
#
# Idempotent. In order:
#   1. pkg-config already finds highs >= 1.10: nothing to do.
#   2. apt offers libhighs-dev (Debian 13+, Ubuntu 24.10+): install it.
#   3. Otherwise build Debian's HiGHS source package from the trixie suite
#      with a private apt configuration (never touching the machine's
#      sources), cmake Release without tests, install into /usr/local and
#      run ldconfig.
# Prints what it did; exits non-zero with a message naming the missing piece.
set -euo pipefail

MIN_VERSION=1.10
PREFIX=${HIGHS_PREFIX:-/usr/local}
SUITE=${HIGHS_DEBIAN_SUITE:-trixie}
MIRROR=${HIGHS_DEBIAN_MIRROR:-http://deb.debian.org/debian}

say() { printf 'setup-highs: %s\n' "$*"; }
die() { printf 'setup-highs: error: %s\n' "$*" >&2; exit 1; }

export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig:$PREFIX/lib64/pkgconfig:$PREFIX/lib/x86_64-linux-gnu/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

have_highs() {
  command -v pkg-config >/dev/null 2>&1 || return 1
  pkg-config --exists "highs >= $MIN_VERSION" 2>/dev/null
}

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || die "not root and no sudo: cannot install packages"
  SUDO="sudo"
fi

apt_updated=""
apt_update() {
  [ -n "$apt_updated" ] && return 0
  say "apt-get update"
  $SUDO apt-get update -qq >/dev/null || die "apt-get update failed"
  apt_updated=1
}

need_tools() {
  local missing=()
  for t in "$@"; do
    case $t in
      pkg-config) command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config) ;;
      cmake) command -v cmake >/dev/null 2>&1 || missing+=(cmake) ;;
      g++) command -v g++ >/dev/null 2>&1 || missing+=(g++) ;;
      make) command -v make >/dev/null 2>&1 || missing+=(make) ;;
      dpkg-source) command -v dpkg-source >/dev/null 2>&1 || missing+=(dpkg-dev) ;;
      xz) command -v xz >/dev/null 2>&1 || missing+=(xz-utils) ;;
    esac
  done
  if [ ${#missing[@]} -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get to install them"
    apt_update
    say "installing build tools: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || die "could not install ${missing[*]}"
  fi
}

if have_highs; then
  say "HiGHS $(pkg-config --modversion highs) found by pkg-config: nothing to do"
  exit 0
fi

if [ "$(uname -s)" = Darwin ]; then
  die "HiGHS not found: on macOS run 'brew install highs'"
fi
command -v apt-get >/dev/null 2>&1 || die "HiGHS >= $MIN_VERSION not found and apt-get is missing: install HiGHS by hand"

need_tools pkg-config
apt_update
if apt-cache show libhighs-dev >/dev/null 2>&1 && \
   [ -n "$(apt-cache policy libhighs-dev | awk '/Candidate:/ && $2 != "(none)" {print $2}')" ]; then
  say "installing libhighs-dev from apt"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libhighs-dev >/dev/null || die "apt-get install libhighs-dev failed"
  if have_highs; then
    say "HiGHS $(pkg-config --modversion highs) installed from apt"
    exit 0
  fi
  say "apt's libhighs-dev is older than $MIN_VERSION; building from source instead"
fi

need_tools cmake g++ make dpkg-source xz
work=$(mktemp -d "${TMPDIR:-/tmp}/auxon-highs.XXXXXX")
trap 'rm -rf "$work"' EXIT

# A private apt configuration: its own sources, lists and cache, so the
# machine's own apt set-up is neither read for sources nor modified.
mkdir -p "$work/apt/sources.list.d" "$work/apt/lists/partial" "$work/apt/cache/archives/partial" "$work/src"
echo "deb-src $MIRROR $SUITE main" > "$work/apt/sources.list.d/trixie-src.list"
: > "$work/apt/sources.list"
aptopts=(
  -o "Dir::Etc::SourceList=$work/apt/sources.list"
  -o "Dir::Etc::SourceParts=$work/apt/sources.list.d"
  -o "Dir::State::Lists=$work/apt/lists"
  -o "Dir::Cache=$work/apt/cache"
  -o "APT::Sandbox::User=root"
  -o "Acquire::Languages=none"
)
say "fetching Debian's $SUITE source index (private apt configuration)"
$SUDO apt-get "${aptopts[@]}" update -qq >/dev/null || die "apt-get update of the private deb-src $SUITE index failed"
say "downloading the highs source package"
( cd "$work/src" && $SUDO apt-get "${aptopts[@]}" source --download-only --tar-only -qq highs >/dev/null ) \
  || die "apt-get source --download-only --tar-only highs failed"
orig=$(ls "$work"/src/highs_*.orig.tar.* 2>/dev/null | head -1)
[ -n "$orig" ] || die "no highs_*.orig.tar.* in the downloaded source package"
say "unpacking $(basename "$orig")"
mkdir -p "$work/build/src"
tar -xf "$orig" -C "$work/build/src" --strip-components=1 || die "could not unpack $orig"

say "building HiGHS with cmake (Release, tests off) — about 2 minutes on 2 cores"
cmake -S "$work/build/src" -B "$work/build/out" \
  -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DALL_TESTS=OFF -DFAST_BUILD=ON \
  -DBUILD_SHARED_LIBS=ON -DBUILD_EXAMPLES=OFF -DCMAKE_INSTALL_PREFIX="$PREFIX" \
  -DCMAKE_INSTALL_LIBDIR=lib >"$work/cmake.log" 2>&1 || { tail -30 "$work/cmake.log" >&2; die "cmake configure failed"; }
cmake --build "$work/build/out" --parallel "$(nproc)" >"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; die "HiGHS build failed"; }
$SUDO cmake --install "$work/build/out" >"$work/install.log" 2>&1 || { tail -30 "$work/install.log" >&2; die "cmake install failed"; }
$SUDO ldconfig 2>/dev/null || true

have_highs || die "built and installed HiGHS into $PREFIX, but pkg-config still cannot find highs >= $MIN_VERSION"
say "HiGHS $(pkg-config --modversion highs) built from Debian's $SUITE source and installed into $PREFIX"
