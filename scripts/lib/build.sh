# shellcheck shell=bash
# Configures and builds one of the CMake presets (CMakePresets.json).
#
#   build_preset NAME    cmake --preset NAME && cmake --build --preset NAME

SIAO_ROOT=${SIAO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

build_preset() {
  local preset=${1:?build_preset NAME}
  (
    cd "$SIAO_ROOT" &&
      cmake --preset "$preset" &&
      cmake --build --preset "$preset"
  )
}
