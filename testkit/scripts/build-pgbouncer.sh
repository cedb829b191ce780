#!/usr/bin/env bash
# Provides the test kit's PgBouncer that keeps prepared statements (max_prepared_statements needs
# PgBouncer >= 1.21; Debian 12 ships 1.18). Builds Debian 13 (trixie)'s source package on this
# machine and installs the one binary to PREFIX/bin/pgbouncer, where the kit looks for it.
#
#   testkit/scripts/build-pgbouncer.sh          build unless a suitable PgBouncer is already there
#   testkit/scripts/build-pgbouncer.sh --force  build again
#
# PREFIX is $NEON_TESTKIT_PGBOUNCER_PREFIX, else /opt/neon-testkit/pgbouncer-1.24 (root, or where
# that is writable), else ~/.cache/neon-testkit/pgbouncer-1.24.
# NEON_TESTKIT_PGBOUNCER_FETCH=pool skips apt and downloads the pinned .dsc from the archive's pool
# (what happens anyway when apt cannot fetch the source).
# Nothing is built when $NEON_TESTKIT_PGBOUNCER_PREPARED names a PgBouncer >= 1.21, or when the
# system's own pgbouncer is one (Debian 13, Ubuntu 24.04): the kit finds those.
#
# Only the source comes from trixie: apt reads a deb-src list of its own in a scratch directory,
# so the system's sources, package lists and installed binaries stay as they were. The build
# dependencies are bookworm's own -dev packages. Without PAM, systemd and documentation (the
# tarball ships the man pages built).
set -euo pipefail

SERIES=1.24
SYSTEM_PREFIX=/opt/neon-testkit/pgbouncer-$SERIES
USER_PREFIX=${XDG_CACHE_HOME:-$HOME/.cache}/neon-testkit/pgbouncer-$SERIES
if [ -n "${NEON_TESTKIT_PGBOUNCER_PREFIX:-}" ]; then
  PREFIX=$NEON_TESTKIT_PGBOUNCER_PREFIX
elif [ "$(id -u)" = 0 ] || [ -x "$SYSTEM_PREFIX/bin/pgbouncer" ] || mkdir -p "$SYSTEM_PREFIX" 2>/dev/null; then
  PREFIX=$SYSTEM_PREFIX
else
  PREFIX=$USER_PREFIX
fi
BINARY=$PREFIX/bin/pgbouncer
DEBIAN_MIRROR=${NEON_TESTKIT_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# Used only when apt cannot fetch the source: the package as published in trixie, pinned by hash
# (its signature is by a developer key that the archive keyring does not hold).
FALLBACK_VERSION=1.24.1-1+deb13u2
FALLBACK_DSC_SHA256=dc1bc121e10a7ac2da987e72bb13798c94a7ff162ddc480d93a3f93c19b637a7
BUILD_PACKAGES=(build-essential dpkg-dev pkg-config libevent-dev libssl-dev libc-ares-dev)

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'build-pgbouncer: %s\n' "$*" >&2; exit 1; }

# Prints "MAJOR.MINOR" of a pgbouncer executable, or nothing.
version_of() {
  "$1" --version 2>/dev/null | sed -nE '1s/^PgBouncer ([0-9]+)\.([0-9]+).*/\1.\2/p'
}

# Whether $1 is a PgBouncer that can keep prepared statements (>= 1.21).
keeps_prepared_statements() {
  local version
  [ -x "$1" ] || return 1
  version=$(version_of "$1")
  [ -n "$version" ] || return 1
  [ "$(printf '%s\n1.21\n' "$version" | sort -V | head -n1)" = 1.21 ]
}

already_there() {
  if [ -n "${NEON_TESTKIT_PGBOUNCER_PREPARED:-}" ]; then
    keeps_prepared_statements "$NEON_TESTKIT_PGBOUNCER_PREPARED" ||
      die "NEON_TESTKIT_PGBOUNCER_PREPARED=$NEON_TESTKIT_PGBOUNCER_PREPARED is not a PgBouncer >= 1.21"
    return 0
  fi
  [ "$(version_of "$BINARY")" = "$SERIES" ] && return 0
  local system
  for system in $(command -v pgbouncer 2>/dev/null) /usr/sbin/pgbouncer; do
    keeps_prepared_statements "$system" && return 0
  done
  return 1
}

missing_packages() {
  local package
  for package in "${BUILD_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' ||
      printf '%s\n' "$package"
  done
}

install_build_packages() {
  local missing
  mapfile -t missing < <(missing_packages)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    die "missing build packages. Install them with:
  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  fi
  say "installing ${missing[*]} (bookworm packages, for the build)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${missing[@]}" >/dev/null
}

# apt-get source pgbouncer/trixie with a private configuration: deb-src trixie only.
fetch_with_apt() {
  local apt_dir=$WORK/apt
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/sources.list.d" \
    "$apt_dir/preferences.d"
  : >"$apt_dir/sources.list"
  cat >"$apt_dir/sources.list.d/trixie-src.sources" <<EOF
Types: deb-src
URIs: $DEBIAN_MIRROR
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  local options=(
    -o "Dir::Etc::SourceList=$apt_dir/sources.list"
    -o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
    -o "Dir::Etc::Preferences=$apt_dir/preferences"
    -o "Dir::Etc::PreferencesParts=$apt_dir/preferences.d"
    -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::Cache=$apt_dir/cache"
    -o "APT::Sandbox::User=root"
  )
  apt-get "${options[@]}" update -qq >>"$LOG" 2>&1 &&
    (cd "$WORK" && apt-get "${options[@]}" source --download-only pgbouncer/trixie >>"$LOG" 2>&1)
}

# The same files straight from the archive's pool, checked against the pinned .dsc hash.
fetch_from_pool() {
  local pool=$DEBIAN_MIRROR/pool/main/p/pgbouncer dsc=pgbouncer_${FALLBACK_VERSION}.dsc file
  say "fetching the source without apt: $dsc from the archive's pool"
  curl -fsS -o "$WORK/$dsc" "$pool/$dsc" || die "cannot download $pool/$dsc"
  echo "$FALLBACK_DSC_SHA256  $WORK/$dsc" | sha256sum -c --quiet - || die "$dsc: hash mismatch"
  # Every file the .dsc lists, verified against its Checksums-Sha256 section.
  while read -r sum _ file; do
    curl -fsS -o "$WORK/$file" "$pool/$file" || die "cannot download $pool/$file"
    echo "$sum  $WORK/$file" | sha256sum -c --quiet - || die "$file: hash mismatch"
  done < <(sed -n '/^Checksums-Sha256:/,/^[^ ]/{/^ /p}' "$WORK/$dsc")
}

build() {
  local started=$SECONDS dsc source
  if [ "${NEON_TESTKIT_PGBOUNCER_FETCH:-apt}" = pool ] || ! fetch_with_apt; then
    fetch_from_pool
  fi
  dsc=$(ls "$WORK"/pgbouncer_*.dsc | head -n1)
  say "building $(basename "$dsc" .dsc) (log $LOG)"
  # The archive's Release signature covers the files apt fetched; the upload's own signature is by
  # a developer key that is not in the archive keyring, hence --no-check.
  dpkg-source --no-check -x "$dsc" "$WORK/src" >>"$LOG" 2>&1
  source=$WORK/src
  (
    cd "$source"
    ./configure --prefix="$PREFIX" --with-cares=yes --without-pam --without-systemd \
      --with-openssl
    make -j"$(nproc)"
  ) >>"$LOG" 2>&1 || { tail -n 30 "$LOG" >&2; die "build failed (log $LOG)"; }
  [ "$(version_of "$source/pgbouncer")" = "$SERIES" ] ||
    die "built $("$source/pgbouncer" --version | head -n1), expected $SERIES"
  mkdir -p "$PREFIX/bin"
  install -m 0755 -s "$source/pgbouncer" "$BINARY.new"
  mv -f "$BINARY.new" "$BINARY"
  {
    echo "Built by testkit/scripts/build-pgbouncer.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "from Debian trixie source package $(basename "$dsc" .dsc)"
    "$BINARY" --version
  } >"$PREFIX/BUILD-INFO"
  say "installed $("$BINARY" --version | head -n1) as $BINARY in $((SECONDS - started)) s"
}

main() {
  local force=false
  case "${1:-}" in
    --force) force=true ;;
    "") ;;
    *) die "usage: $0 [--force]" ;;
  esac
  if ! $force && already_there; then
    return 0
  fi
  mkdir -p "$PREFIX" 2>/dev/null || die "cannot create $PREFIX (set NEON_TESTKIT_PGBOUNCER_PREFIX)"
  # One build at a time on this machine; a second caller waits and then finds the binary.
  exec 9>"$PREFIX/.build.lock"
  flock 9
  if ! $force && already_there; then
    return 0
  fi
  install_build_packages
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/neon-testkit-pgbouncer.XXXXXX")
  LOG=$WORK/build.log
  # The scratch directory goes on success; on failure it stays, with its build.log.
  trap 'if [ $? = 0 ]; then rm -rf "$WORK"; else say "kept $WORK for inspection"; fi' EXIT
  build
}

main "$@"
