#!/bin/sh
# make fresh-check: the README's two set-up commands, the first time, on a
# Debian machine with nothing installed.
#
# A machine that already has the packages hides set-up bugs (a Makefile that
# asks pkg-config before the packages are there, a package missing from
# tools/deps.sh). So this builds a pristine Debian root with debootstrap
# (the minbase variant, plus make, as a user who has cloned the project
# has), copies the project's files into it, and runs `make map` then
# `make test` there, each once, exactly as the README says.
#
#   FRESH_SUITE   Debian suite (default: this machine's, else bookworm)
#   FRESH_MIRROR  Debian mirror (default http://deb.debian.org/debian)
#   FRESH_CACHE   where the debootstrap tarball and the downloaded .deb
#                 files are kept between runs (default ~/.cache/controlmap)
#   FRESH_KEEP=1  keep the root afterwards (its path is printed)
#
# Needs root (debootstrap, chroot, mounts). The root itself is new every
# run; only the tarball it starts from and apt's downloads are cached, so
# nothing installed in one run is there in the next.
set -eu
cd "$(dirname "$0")/.."

[ "$(id -u)" -eq 0 ] || { echo "fresh-check: needs root (debootstrap and chroot)" >&2; exit 1; }

suite=${FRESH_SUITE:-$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")}
suite=${suite:-bookworm}
mirror=${FRESH_MIRROR:-http://deb.debian.org/debian}
cache=${FRESH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/controlmap}
tarball="$cache/fresh-$suite-minbase.tar"
debs="$cache/fresh-$suite-debs"

say() { echo "fresh-check: $*" >&2; }

need_host_tools() {
  missing=""
  for p in debootstrap; do
    command -v "$p" >/dev/null 2>&1 || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  say "installing$missing on this machine"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2 ||
    { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2; }
}

# The debootstrap root, made once and kept as a tarball: what Debian's
# minbase variant has, plus make. Each run unpacks a new copy of it.
make_tarball() {
  [ -s "$tarball" ] && return 0
  mkdir -p "$cache"
  work="$cache/debootstrap-work"
  rm -rf "$work"
  say "debootstrap $suite (once; cached in $tarball)"
  t0=$(date +%s)
  debootstrap --variant=minbase --include=make "$suite" "$work" "$mirror" \
    >"$cache/debootstrap.log" 2>&1 ||
    { tail -n 20 "$cache/debootstrap.log" >&2; rm -rf "$work"; exit 1; }
  rm -rf "$work"/var/cache/apt/archives/*.deb
  tar -C "$work" -cf "$tarball.part" .
  rm -rf "$work"
  mv "$tarball.part" "$tarball"
  say "debootstrap root made in $(( $(date +%s) - t0 )) s"
}

root=""
cleanup() {
  [ -n "$root" ] || return 0
  for m in var/cache/apt/archives dev/pts dev sys proc; do
    mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m"
  done
  if [ "${FRESH_KEEP:-0}" = 1 ]; then
    say "root kept in $root"
  else
    rm -rf "$root"
  fi
}

make_root() {
  root=$(mktemp -d /var/tmp/controlmap-fresh.XXXXXX)
  trap cleanup EXIT
  trap 'exit 130' INT TERM HUP
  tar -C "$root" -xf "$tarball"
  cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
  # The same package sources as this machine, so the root sees the same
  # versions (security updates included).
  if [ -d /etc/apt/sources.list.d ] && ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
    rm -f "$root/etc/apt/sources.list"
    for f in /etc/apt/sources.list.d/*.sources; do cp "$f" "$root/etc/apt/sources.list.d/"; done
  fi
  mkdir -p "$debs" "$root/var/cache/apt/archives"
  mount -t proc proc "$root/proc"
  mount --rbind /sys "$root/sys"
  mount --rbind /dev "$root/dev"
  mount --bind "$debs" "$root/var/cache/apt/archives"
}

# The project as a clone has it: tracked files and new files git does not
# ignore, with ../shared beside it when there is one.
copy_project() {
  mkdir -p "$root/src/controlmap"
  git ls-files -z --cached --others --exclude-standard |
    tar --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C "$root/src/controlmap"
  if [ -d ../shared ]; then
    cp -r ../shared "$root/src/shared"
  fi
}

run_in_root() {
  chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 CI="${CI:-}" sh -c "cd /src/controlmap && $1"
}

need_host_tools
make_tarball
make_root
copy_project
for cmd in "make map" "make test"; do
  say "running '$cmd' in the fresh root"
  t0=$(date +%s)
  log="$cache/fresh-$(echo "$cmd" | tr ' ' -).log"
  # Apt's and the compiler's chatter goes to a log; a failure shows its end.
  if ! run_in_root "$cmd" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    say "'$cmd' failed on a fresh machine (whole output: $log)"
    exit 1
  fi
  grep -E '^controlmap: (installing|wrote)|passed, [0-9]+ failed' "$log" | tail -n 4 >&2 || true
  say "'$cmd' passed in $(( $(date +%s) - t0 )) s"
done
[ -s "$root/src/controlmap/out/2020-11-10.png" ] ||
  { say "make map did not write out/2020-11-10.png"; exit 1; }
say "both README commands work the first time on a fresh $suite"
echo "fresh-check: 2 passed, 0 failed"
