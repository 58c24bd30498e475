# env.sh — sourced by the other scripts: puts Go and HiGHS where the build
# finds them.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH="/usr/local/go/bin:$PATH"
fi
HIGHS_PREFIX=${HIGHS_PREFIX:-/usr/local}
export PKG_CONFIG_PATH="$HIGHS_PREFIX/lib/pkgconfig:$HIGHS_PREFIX/lib64/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export LD_LIBRARY_PATH="$HIGHS_PREFIX/lib:$HIGHS_PREFIX/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export CGO_ENABLED=1
