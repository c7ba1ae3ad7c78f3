#!/usr/bin/env bash
# `./build.sh install` and `./build.sh uninstall`, and the staging install the Debian package is
# built from (scripts/deb.sh), so the package and the install cannot differ:
#   install.sh install PREFIX JAVA   the built tree to PREFIX/bin, PREFIX/lib/jrun, PREFIX/share,
#                                    and an example rules file to SYSCONFDIR/oci-interceptor/rules.d
#   install.sh uninstall PREFIX      remove exactly what install recorded in PREFIX/lib/jrun/install-manifest
# SYSCONFDIR is /etc for PREFIX /usr or /usr/local (oci-interceptor reads /etc/oci-interceptor),
# else PREFIX/etc. With DESTDIR set (a package's staging tree) everything goes under DESTDIR, no
# AOT cache is trained (the target does that: lib/jrun/setup-jdk) and no manifest is written.
set -euo pipefail
die() { echo "install.sh: $*" >&2; exit 1; }
src=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cmd=${1:?usage: install.sh install PREFIX JAVA | uninstall PREFIX} prefix=${2:?PREFIX}
case $prefix in /*) ;; *) die "PREFIX must be an absolute path: $prefix" ;; esac
prefix=${prefix%/}; [ -n "$prefix" ] || prefix=/
manifest=$prefix/lib/jrun/install-manifest

if [ "$cmd" = uninstall ]; then
  [ -f "$manifest" ] || die "no install manifest at $manifest: nothing installed there by ./build.sh install (or by one older than the manifest: remove PREFIX/bin/{jrun,oci-interceptor,run_oci,jrun-*,run_oci-prctl} and PREFIX/lib/jrun by hand)"
  mapfile -t lines < "$manifest"
  for l in "${lines[@]}"; do # every line is "f PATH" or "d PATH", absolute, no .. (install wrote it)
    case $l in "f /"* | "d /"*) ;; *) die "$manifest: not a manifest line: $l" ;; esac
    case "/${l#? }/" in */../*) die "$manifest: a path with ..: $l" ;; esac
  done
  for l in "${lines[@]}"; do
    p=${l#f }
    if [ "${l:0:1}" = f ] && [ "$p" != "$manifest" ] && { [ -L "$p" ] || [ -f "$p" ]; }; then rm -f -- "$p"; fi
  done
  rm -f -- "$manifest"
  for ((i = ${#lines[@]} - 1; i >= 0; i--)); do # directories deepest first; one still in use stays
    l=${lines[i]}
    if [ "${l:0:1}" = d ] && [ -d "${l#d }" ]; then rmdir -- "${l#d }" 2>/dev/null || echo "kept ${l#d } (not empty)" >&2; fi
  done
  echo "uninstalled from $prefix"
  exit 0
fi

[ "$cmd" = install ] || die "unknown command $cmd (install or uninstall)"
java=${3:?JAVA}
dest=${DESTDIR:-}
dest=${dest%/}
if [ -n "${SYSCONFDIR:-}" ]; then sysconf=$SYSCONFDIR
else case $prefix in /usr | /usr/local) sysconf=/etc ;; *) sysconf=$prefix/etc ;; esac; fi
for f in bin/jrun bin/oci-interceptor bin/run_oci bin/jrun-helper lib/jrun/jrun.jar lib/jrun/libjrun.so lib/jrun/commit lib/jrun/setup-jdk; do
  [ -e "$src/$f" ] || die "$src/$f is not built: run ./build.sh first"
done

[ -z "$dest" ] || mkdir -p "$dest"
made=() # the manifest: "d PATH" for each directory this install created, "f PATH" for each file
mkdirs() { # mkdirs DIR: creates DIR and its missing parents (0755), recording those it made
  local d=$1 missing=()
  while [ "$d" != / ] && [ ! -d "$dest$d" ]; do missing=("$d" "${missing[@]}"); d=$(dirname "$d"); done
  for d in "${missing[@]}"; do mkdir -m 0755 "$dest$d"; made+=("d $d"); done
}
put() { # put SRC DEST MODE [strip]: installs through a temp file and a rename (nothing half-written)
  local tmp=$dest$(dirname "$2")/.$(basename "$2").tmp
  mkdirs "$(dirname "$2")"
  install -m "$3" "$1" "$tmp"
  if [ "${4:-}" = strip ]; then strip --strip-unneeded "$tmp"; fi # debug symbols stay in the build tree
  mv -f "$tmp" "$dest$2"
  made+=("f $2")
}

# The launchers and the helpers they run (jrun-recvtty is a test tool: not installed).
for b in jrun oci-interceptor run_oci jrun-helper jrun-ttyrelay run_oci-prctl; do
  [ -e "$src/bin/$b" ] && put "$src/bin/$b" "$prefix/bin/$b" 0755 strip
done
put "$src/lib/jrun/jrun.jar" "$prefix/lib/jrun/jrun.jar" 0644
put "$src/lib/jrun/libjrun.so" "$prefix/lib/jrun/libjrun.so" 0644 strip
put "$src/lib/jrun/commit" "$prefix/lib/jrun/commit" 0644
put "$src/lib/jrun/setup-jdk" "$prefix/lib/jrun/setup-jdk" 0755
# Man pages, compressed as Debian's policy wants (man reads them either way).
gz=$(mktemp -d)
trap 'rm -rf "$gz"' EXIT
for m in "$src"/share/man/man8/*.8; do
  gzip -9nc "$m" > "$gz/$(basename "$m").gz"
  put "$gz/$(basename "$m").gz" "$prefix/share/man/man8/$(basename "$m").gz" 0644
done
for c in "$src"/share/bash-completion/completions/*; do
  put "$c" "$prefix/share/bash-completion/completions/$(basename "$c")" 0644
done
# The example rule file; an administrator's copy (a Debian conffile) is never overwritten.
sample=$sysconf/oci-interceptor/rules.d/example.yaml.sample
if [ -e "$dest$sample" ]; then echo "kept $dest$sample" >&2
else put "$src/src/main/dist/etc/oci-interceptor/rules.d/example.yaml.sample" "$sample" 0644; fi

# Anything more to install goes here through put: the Debian package is built from this install,
# and a file under SYSCONFDIR becomes one of its conffiles.
# The engine's service files (contrib/, docs/engine.md), naming this PREFIX's bin/jrun: systemd's
# socket and service in PREFIX/lib/systemd/system (a unit directory systemd reads for /usr and
# /usr/local), and an init script for hosts without systemd in SYSCONFDIR/init.d. Neither is
# enabled: `systemctl enable --now jrun-engine.socket`, or `update-rc.d jrun-engine defaults`.
for u in jrun-engine.socket jrun-engine.service; do
  sed "s|@BINDIR@|$prefix/bin|g" "$src/contrib/$u" > "$gz/$u"
  put "$gz/$u" "$prefix/lib/systemd/system/$u" 0644
done
initd=$sysconf/init.d/jrun-engine
if [ -e "$dest$initd" ]; then echo "kept $dest$initd" >&2
else sed "s|@BINDIR@|$prefix/bin|g" "$src/contrib/jrun-engine.init" > "$gz/jrun-engine.init"; put "$gz/jrun-engine.init" "$initd" 0755; fi

if [ -n "$dest" ]; then echo "installed to $dest$prefix (staged: run $prefix/lib/jrun/setup-jdk on the target)"; exit 0; fi
made+=("f $manifest")
# Keep what an earlier install recorded and is still there (a directory it made, say).
if [ -f "$manifest" ]; then
  while IFS= read -r l; do
    [ -e "${l#? }" ] || [ -L "${l#? }" ] || continue
    printf '%s\n' "${made[@]}" | grep -qxF -- "$l" || made=("$l" "${made[@]}")
  done < "$manifest"
fi
write_manifest() { printf '%s\n' "${made[@]}" > "$manifest.tmp" && mv -f "$manifest.tmp" "$manifest"; }
write_manifest # before setup-jdk, so an install it fails can still be uninstalled
# The java link and the AOT caches, trained where the jar now lives, for this JDK.
trained=$("$prefix/lib/jrun/setup-jdk" "$java")
while IFS= read -r t; do [ -n "$t" ] && made+=("f $t"); done <<< "$trained"
write_manifest
echo "installed to $prefix (manifest: $manifest)"
