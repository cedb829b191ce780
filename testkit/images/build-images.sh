#!/usr/bin/env bash
# Builds the Testcontainers provider's images with no registry: a Debian base from debootstrap,
# imported into Docker, then PostgreSQL and PgBouncer from Debian's packages on top of it.
# Images that exist are kept; nothing is pulled. Versions and tags: versions.properties.
#
#   build-images.sh           build what is missing, print the image names
#   build-images.sh --check   exit 0 when both images exist, 1 otherwise; build nothing
#
# The base needs root and debootstrap (Debian/Ubuntu: apt-get install debootstrap). Environment:
#   NEON_TESTKIT_DEBIAN_MIRROR  another Debian mirror, e.g. a snapshot.debian.org date that still
#                               holds the pinned package versions
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

prop() {
  local value
  value=$(sed -n "s/^$1=//p" "$here/versions.properties" | tail -n 1)
  [ -n "$value" ] || { echo "build-images.sh: $1 missing from versions.properties" >&2; exit 2; }
  printf '%s' "$value"
}

suite=$(prop debian.suite)
mirror=${NEON_TESTKIT_DEBIAN_MIRROR:-$(prop debian.mirror)}
base=$(prop base.image)
image=$(prop image)
major=$(prop postgresql.major)
postgresql_package=$(prop postgresql.package)
pgbouncer_package=$(prop pgbouncer.package)

say() { printf '==> %s\n' "$*" >&2; }
exists() { docker image inspect "$1" >/dev/null 2>&1; }

if [ "${1:-}" = --check ]; then
  exists "$base" && exists "$image"
  exit
fi

command -v docker >/dev/null 2>&1 || { echo "build-images.sh: no docker command" >&2; exit 1; }

# One build at a time on this machine; a second caller waits, then finds the images built.
if command -v flock >/dev/null 2>&1; then
  exec 9>"${TMPDIR:-/tmp}/neon-jdbc-testkit-images.lock"
  flock 9
fi

if ! exists "$base"; then
  if [ "$(id -u)" != 0 ] || ! command -v debootstrap >/dev/null 2>&1; then
    echo "build-images.sh: the base image $base is missing; building it needs root and" \
      "debootstrap: sudo apt-get install -y debootstrap && sudo $0" >&2
    exit 1
  fi
  rootfs=$(mktemp -d "${TMPDIR:-/tmp}/neon-testkit-rootfs.XXXXXX")
  trap 'rm -rf "$rootfs"' EXIT
  say "debootstrap --variant=minbase $suite from $mirror"
  started=$SECONDS
  debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || {
    tail -n 20 "$rootfs.log" >&2
    exit 1
  }
  rm -f "$rootfs.log"
  # apt inside the image uses the same mirror
  echo "deb $mirror $suite main" >"$rootfs/etc/apt/sources.list"
  tar -C "$rootfs" -c . | docker import \
    --change 'CMD ["bash"]' \
    --change "LABEL dev.neonjdbc.testkit.image=debian-$suite-minbase" \
    --change "LABEL dev.neonjdbc.testkit.debian.version=$(cat "$rootfs/etc/debian_version")" \
    - "$base" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
  say "$base imported ($((SECONDS - started)) s)"
fi

if ! exists "$image"; then
  say "building $image: postgresql-$major=$postgresql_package pgbouncer=$pgbouncer_package"
  started=$SECONDS
  proxies=()
  for variable in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
    [ -n "${!variable:-}" ] && proxies+=(--build-arg "$variable=${!variable}")
  done
  # The classic builder uses the local base as it is; BuildKit would look it up in a registry.
  if ! DOCKER_BUILDKIT=0 docker build --network host --pull=false \
    "${proxies[@]}" \
    --build-arg "BASE_IMAGE=$base" \
    --build-arg "POSTGRESQL_MAJOR=$major" \
    --build-arg "POSTGRESQL_PACKAGE=$postgresql_package" \
    --build-arg "PGBOUNCER_PACKAGE=$pgbouncer_package" \
    --label "dev.neonjdbc.testkit.debian=$suite" \
    --tag "$image" "$here" >&2; then
    echo "build-images.sh: building $image failed; if apt could not find a pinned version," \
      "the mirror has moved on: update $here/versions.properties or set" \
      "NEON_TESTKIT_DEBIAN_MIRROR to a snapshot.debian.org date that holds it" >&2
    exit 1
  fi
  say "$image built ($((SECONDS - started)) s)"
fi
echo "$base"
echo "$image"
