#!/usr/bin/env bash
# Installs the Debian packages that building, running and testing Taskscope need.
# Only packages that are not installed yet are fetched, so a second run costs a dpkg query.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config
  # Qt 6 and QCoro: every find_package in CMakeLists.txt
  qt6-base-dev qt6-declarative-dev qt6-declarative-dev-tools qt6-shadertools-dev
  qcoro-qt6-dev libgl-dev libvulkan-dev libxkbcommon-dev
  # the embedded HTTP server of core/net (brings its library, libqt6httpserver6)
  qt6-httpserver-dev
  # QML runtime modules for every import under ui/qml and tests/ui
  qml6-module-qtqml qml6-module-qtqml-models qml6-module-qtqml-workerscript
  qml6-module-qtquick qml6-module-qtquick-window qml6-module-qtquick-controls
  qml6-module-qtquick-templates qml6-module-qtquick-layouts qml6-module-qtquick-shapes
  qml6-module-qt-labs-settings qml6-module-qtcore qml6-module-qttest
  qml6-module-qtquick-dialogs qml6-module-qt-labs-folderlistmodel
  # the sanitizer builds use clang's runtimes
  clang libclang-rt-14-dev
  # the fuzz preset: clang 16, whose libFuzzer and sanitizers know C++20's std::source_location
  # (clang 14's do not, and the engine uses it)
  clang-16 libclang-rt-16-dev
  # headless and windowed runs: Xvfb, Mesa's software OpenGL, screenshots
  xvfb xauth libgl1-mesa-dri imagemagick fonts-dejavu-core
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "taskscope: installing ${#missing[@]} missing package(s): ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
