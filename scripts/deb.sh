#!/usr/bin/env bash
# `./build.sh deb [OUTDIR]`: builds OUTDIR/jrun_VERSION_ARCH.deb with dpkg-deb from a staging
# install of the built tree (scripts/install.sh with DESTDIR and PREFIX /usr), so the package holds
# exactly what `./build.sh install` installs. Prints the .deb's path.
#
# Java: jrun needs a Java 25 runtime. Debian 12 has none, and Eclipse Temurin 25 (what this is
# built and tested with) is often unpacked from a tarball, which dpkg does not know about; so Depends
# names only what the binaries link (libc6), and the postinst finds the JDK (lib/jrun/setup-jdk),
# links /usr/lib/jrun/java to it and trains the AOT caches for that exact JDK build, or fails the
# configure with one line saying what to install. A trigger on /usr/lib/jvm trains again when a JDK
# package there is upgraded (a cache from another JDK build is silently unused).
set -euo pipefail
src=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
out=${1:?usage: deb.sh OUTDIR}
die() { echo "deb.sh: $*" >&2; exit 1; }
command -v dpkg-deb >/dev/null || die "needs dpkg-deb (the Debian package dpkg)"
[ -x "$src/lib/jrun/java" ] || die "$src/lib/jrun/java: not built; run ./build.sh first"
version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' "$src/pom.xml" | head -1)
[ -n "$version" ] || die "no <version> in $src/pom.xml"
version=${version//-SNAPSHOT/~snapshot} # sorts before the release, as Debian wants
arch=$(dpkg --print-architecture)
mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root=$stage/root

DESTDIR=$root bash "$src/scripts/install.sh" install /usr "$src/lib/jrun/java" >/dev/null

# Debian's policy: the copyright file and a changelog in /usr/share/doc/jrun.
doc=$root/usr/share/doc/jrun
install -d -m 0755 "$doc"
commit=$(cat "$src/lib/jrun/commit")
{
  echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
  echo "Upstream-Name: jrun"
  echo "Comment: built from commit $commit; the source tree carries no licence statement yet."
  echo
  echo "Files: *"
  echo "Copyright: the jrun authors"
  echo "License: unknown"
  echo " The jrun source tree does not state a licence."
} > "$doc/copyright"
# Debian's DEBFULLNAME and DEBEMAIL, else the author of the commit built (the project has no list address)
if [ -n "${DEBEMAIL:-}" ]; then maintainer="${DEBFULLNAME:-jrun maintainers} <$DEBEMAIL>"
else maintainer=$(git -C "$src" log -1 --format='%an <%ae>' 2>/dev/null) || maintainer="jrun maintainers <root@localhost>"; fi
date=$(date -R -d "@$(git -C "$src" log -1 --format=%ct 2>/dev/null || date +%s)")
printf 'jrun (%s) unstable; urgency=medium\n\n  * Built from commit %s.\n\n -- %s  %s\n' \
  "$version" "$commit" "$maintainer" "$date" | gzip -9n > "$doc/changelog.gz"
chmod 0644 "$doc"/*

install -d -m 0755 "$root/DEBIAN"
# Everything installed under /etc is a conffile: dpkg keeps an administrator's edits.
(cd "$root" && find etc -type f | sort | sed 's|^|/|') > "$root/DEBIAN/conffiles"
[ -s "$root/DEBIAN/conffiles" ] || rm -f "$root/DEBIAN/conffiles"
(cd "$root" && find usr -type f -print0 | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
# The oldest glibc symbol version the binaries need.
glibc=$(objdump -T "$root"/usr/bin/* "$root"/usr/lib/jrun/libjrun.so 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
[ -n "$glibc" ] || die "cannot tell which glibc the binaries need (objdump, from binutils)"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<EOF
Package: jrun
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $size
Depends: libc6 (>= $glibc)
Recommends: runc | crun
Suggests: temurin-25-jre | temurin-25-jdk | openjdk-25-jre-headless
Section: admin
Priority: optional
Description: OCI container runtime and runtime wrapper written in Java
 jrun is an OCI runtime with runc's command line, oci-interceptor rewrites a
 bundle's config.json by rules before it execs runc or crun, and run_oci speaks
 Chrome OS's run_oci dialect. The JVM plans each container; a small C helper
 makes the namespaces and mounts.
 .
 They run on a Java 25 runtime, which Debian 12 does not ship: install Eclipse
 Temurin 25 (a tarball under /usr/lib/jvm, or temurin-25-jre from Adoptium's
 apt repository) first. Configuring the package links /usr/lib/jrun/java to it
 and trains the start-up caches for it; without a Java 25 it fails, saying so.
EOF

cat > "$root/DEBIAN/postinst" <<'EOF'
#!/bin/sh
# Links /usr/lib/jrun/java to a JDK 25 and trains the AOT caches for that exact JDK build.
set -e
case "$1" in
  configure)
    if ! /usr/lib/jrun/setup-jdk >/dev/null; then
      echo "jrun: not configured: it needs a Java 25 runtime (see above); after installing one, run: dpkg --configure jrun" >&2
      exit 1
    fi ;;
  triggered) # a JDK package under /usr/lib/jvm changed: train again (a stale cache is only slower)
    /usr/lib/jrun/setup-jdk >/dev/null || echo "jrun: warning: no Java 25 runtime after a change under /usr/lib/jvm; jrun cannot start until one is installed and /usr/lib/jrun/setup-jdk has run" >&2 ;;
esac
exit 0
EOF
cat > "$root/DEBIAN/prerm" <<'EOF'
#!/bin/sh
# Removes what the postinst made (the java link, the AOT caches), so dpkg can remove /usr/lib/jrun.
set -e
case "$1" in
  remove|deconfigure) /usr/lib/jrun/setup-jdk --remove ;;
esac
exit 0
EOF
cat > "$root/DEBIAN/postrm" <<'EOF'
#!/bin/sh
# In case the prerm could not run: the files the postinst made, and the directory they kept.
# On purge also jrun's seccomp cache, and the state roots of jrun and run_oci if no container is left.
set -e
case "$1" in
  remove|purge)
    rm -f /usr/lib/jrun/java /usr/lib/jrun/*.aot /usr/lib/jrun/.*.tmp
    rmdir /usr/lib/jrun 2>/dev/null || true ;;
esac
if [ "$1" = purge ]; then
  rm -rf /run/jrun/.cache
  rmdir /run/jrun /run/containers 2>/dev/null || true
fi
exit 0
EOF
echo "interest-noawait /usr/lib/jvm" > "$root/DEBIAN/triggers"
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums" "$root/DEBIAN/triggers"
[ -f "$root/DEBIAN/conffiles" ] && chmod 0644 "$root/DEBIAN/conffiles"

deb=$out/jrun_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb.tmp" >/dev/null
mv -f "$deb.tmp" "$deb"
echo "$deb"
