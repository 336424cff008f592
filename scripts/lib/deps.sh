# shellcheck shell=bash
# System dependencies of the gateway on Debian 12. Sourced by scripts/run,
# scripts/test and bench/.
#
#   ensure_packages   install whatever Debian packages are missing
#   ensure_valijson   unpack the valijson headers under .cache/valijson

SIAO_ROOT=${SIAO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

# Everything the build, the tests, scripts/run, scripts/fuzz and bench/ use.
# postgresql-contrib-15 is provided by postgresql-15 (pg_trgm and friends).
SIAO_PACKAGES=(
  cmake ninja-build g++ ccache pkg-config
  libboost1.81-dev libboost-url1.81-dev libssl-dev libpqxx-dev
  rapidjson-dev libspdlog-dev doctest-dev
  postgresql-15 postgresql-contrib-15
  openssl curl wrk jq iso-codes python3
  # scripts/fuzz: clang with libFuzzer (libclang_rt.fuzzer ships in libclang-rt-14-dev), llvm-symbolizer for
  # readable sanitizer reports; the static analysers of the code checks.
  clang libclang-rt-14-dev llvm cppcheck clang-tidy
)

_deps_apt_updated=0

# Runs a command as root: directly when we are root, through sudo otherwise.
_deps_as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "deps: need root to run: $*" >&2
    return 1
  fi
}

_deps_apt_update() {
  [ "$_deps_apt_updated" -eq 1 ] && return 0
  _deps_as_root apt-get update -qq >/dev/null || return 1
  _deps_apt_updated=1
}

# True when PACKAGE is installed, or when an installed package provides it
# (a virtual package such as postgresql-contrib-15).
_deps_installed() {
  local pkg=$1
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" = installed ] && return 0
  dpkg-query -W -f='${db:Status-Status} ${Provides}\n' 2>/dev/null |
    awk -v p="$pkg" '$1 == "installed" {
        for (i = 2; i <= NF; i++) { f = $i; sub(/,$/, "", f); if (f == p) found = 1 }
      } END { exit !found }'
}

ensure_packages() {
  local missing=() pkg
  for pkg in "${SIAO_PACKAGES[@]}"; do
    _deps_installed "$pkg" || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  echo "Installing: ${missing[*]}"
  _deps_apt_update || return 1
  _deps_as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# valijson is header-only, but Debian's libvalijson-dev depends on Qt and
# Poco: take its headers from the .deb without installing it. CMake finds them
# at .cache/valijson/usr/include.
ensure_valijson() {
  local dest="$SIAO_ROOT/.cache/valijson"
  [ -f "$dest/usr/include/valijson/validator.hpp" ] && return 0
  local tmp deb log
  tmp=$(mktemp -d)
  log="$tmp/apt.log"
  # Retry after apt-get update when the package lists are missing or stale.
  if ! (cd "$tmp" && apt-get download libvalijson-dev >"$log" 2>&1) &&
    ! { _deps_apt_update && (cd "$tmp" && apt-get download libvalijson-dev >"$log" 2>&1); }; then
    echo "deps: could not download libvalijson-dev:" >&2
    cat "$log" >&2
    rm -rf "$tmp"
    return 1
  fi
  deb=$(find "$tmp" -maxdepth 1 -name 'libvalijson-dev_*.deb' | head -n 1)
  if [ -z "$deb" ]; then
    echo "deps: libvalijson-dev was not downloaded" >&2
    rm -rf "$tmp"
    return 1
  fi
  rm -rf "$dest"
  mkdir -p "$dest"
  dpkg -x "$deb" "$dest"
  rm -rf "$tmp"
  if [ ! -f "$dest/usr/include/valijson/validator.hpp" ]; then
    echo "deps: $deb has no valijson/validator.hpp" >&2
    return 1
  fi
  echo "valijson headers unpacked into .cache/valijson/usr/include"
}
