#!/usr/bin/env bash
# The Tokio peer of `make bench`: the anchor program (env TOKIO_ANCHOR, by default
# ../shared/anchors/tokio-bench beside the repository) built offline against Debian's packaged
# crates into build/tokio-anchor, and run on 2 workers. It prints the anchor's JSON lines after
# one line naming the peer ({"bench":"tokio_peer","tokio":"1.24.2","workers":2}).
#
#   tests/bench/tokio-peer.sh [SHAPE]   SHAPE: spawn, mpsc, actor, semaphore, timers (default: all),
#                                       or build: build it and print the peer line only
#
# bench_runtime calls it once per round and shape, between its own rounds, so that both sides
# of a ratio see the same machine. When the anchor, cargo or the crates are missing, it prints
# one line, {"bench":"tokio_peer","unavailable":"why"}, and exits 0: a bench never fails.
#
# The crates (librust-tokio-dev, Tokio 1.24.2 in bookworm, 83 small source packages) are
# installed here on first use, not by cmake/install-deps.sh: that script runs before every
# `make test`, which needs no Rust, and on this machine the install took 44 s. Nothing is
# written outside build/: the crates.io -> Debian source replacement is given to cargo on the
# command line.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
anchor=${TOKIO_ANCHOR:-$root/../shared/anchors/tokio-bench}
target=$root/build/tokio-anchor
registry=/usr/share/cargo/registry
shape=${1:-all}

unavailable() {
  printf '{"bench":"tokio_peer","unavailable":"%s"}\n' "$1"
  exit 0
}

[ -f "$anchor/Cargo.toml" ] || unavailable "no anchor at $anchor (set TOKIO_ANCHOR)"

cargo=${CARGO:-$(command -v cargo || true)}
[ -n "$cargo" ] || cargo=$HOME/.cargo/bin/cargo
[ -x "$cargo" ] || unavailable "cargo not found (PATH, CARGO or ~/.cargo/bin)"

if ! compgen -G "$registry/tokio-1.*" >/dev/null; then
  echo "taskscope: installing librust-tokio-dev, the Tokio peer's crates (once)" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  if ! { DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends librust-tokio-dev \
         || { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
              --no-install-recommends librust-tokio-dev; }; } >&2; then
    unavailable "librust-tokio-dev is not installed and could not be installed"
  fi
  compgen -G "$registry/tokio-1.*" >/dev/null || unavailable "no tokio crate under $registry"
fi

mkdir -p "$target"
# --locked: the anchor's Cargo.lock pins Tokio 1.24.2, the version the goals are ratios to; a
# different packaged version fails here instead of measuring another Tokio. One job: make
# bench runs on a busy 2-core machine, and the build happens once.
if ! "$cargo" build --release --offline --locked --quiet -j "${TOKIO_PEER_JOBS:-1}" \
    --manifest-path "$anchor/Cargo.toml" --target-dir "$target" \
    --config 'source.crates-io.replace-with="debian"' \
    --config "source.debian.directory=\"$registry\"" >"$target/build.log" 2>&1; then
  unavailable "cargo build failed, see build/tokio-anchor/build.log"
fi

version=$(grep -A1 '^name = "tokio"$' "$anchor/Cargo.lock" | sed -n 's/^version = "\(.*\)"$/\1/p')
printf '{"bench":"tokio_peer","tokio":"%s","workers":2}\n' "${version:-unknown}"
[ "$shape" != build ] || exit 0
WORKERS=2 "$target/release/tokio-anchor" "$shape" || unavailable "the anchor failed (exit $?)"
exit 0
