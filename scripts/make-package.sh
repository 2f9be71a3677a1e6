#!/usr/bin/env bash
# Builds the Debian package of Alert Whisperer from an existing build (`make package` runs
# `make build` first): /usr/bin/alertwhisperer, the web UI in /usr/share/alertwhisperer/web, the
# systemd unit, /etc/alertwhisperer/env (a conffile), the docs. Dependencies are computed from the
# binary's shared libraries by dpkg-shlibdeps. Usage: scripts/make-package.sh [OUT_DIR]
# (default build/); prints the path of the .deb. docs/operations.md says how to install it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${1:-$ROOT/build}
BIN=${AW_BINARY:-$ROOT/build/alertwhisperer}
WEB=$ROOT/web/dist
[ -x "$BIN" ] || { echo "make-package: $BIN not built (run make build)" >&2; exit 2; }
[ -f "$WEB/index.html" ] || { echo "make-package: $WEB has no index.html (run make build)" >&2; exit 2; }
for tool in dpkg-deb dpkg-shlibdeps fakeroot; do
  command -v "$tool" >/dev/null || { echo "make-package: $tool not found (apt-get install dpkg-dev fakeroot)" >&2; exit 2; }
done

VERSION=$("$BIN" --version 2>/dev/null | awk '{print $NF}')
[ -n "$VERSION" ] || { echo "make-package: $BIN --version printed nothing" >&2; exit 2; }
ARCH=$(dpkg --print-architecture)
STAGE=$(mktemp -d "${TMPDIR:-/tmp}/aw-package.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
PKG=$STAGE/root

install -d "$PKG/DEBIAN" "$PKG/usr/bin" "$PKG/usr/share/alertwhisperer" "$PKG/lib/systemd/system" \
  "$PKG/etc/alertwhisperer" "$PKG/usr/share/doc/alertwhisperer"
# Debug line tables stay in the build; the packaged binary is stripped.
objcopy --strip-debug --strip-unneeded "$BIN" "$PKG/usr/bin/alertwhisperer"
chmod 0755 "$PKG/usr/bin/alertwhisperer"
cp -r "$WEB" "$PKG/usr/share/alertwhisperer/web"
install -m 0644 "$ROOT/packaging/alertwhisperer.service" "$PKG/lib/systemd/system/alertwhisperer.service"
install -m 0640 "$ROOT/packaging/env" "$PKG/etc/alertwhisperer/env"
install -m 0644 "$ROOT/README.md" "$PKG/usr/share/doc/alertwhisperer/README.md"
for d in "$ROOT"/docs/*.md; do install -m 0644 "$d" "$PKG/usr/share/doc/alertwhisperer/"; done
for s in postinst prerm postrm; do install -m 0755 "$ROOT/packaging/$s" "$PKG/DEBIAN/$s"; done
echo /etc/alertwhisperer/env >"$PKG/DEBIAN/conffiles"

# Shared-library dependencies, as Debian's own packages compute them.
mkdir -p "$STAGE/debian"
printf 'Source: alertwhisperer\n\nPackage: alertwhisperer\nArchitecture: any\n' >"$STAGE/debian/control"
DEPENDS=$(cd "$STAGE" && dpkg-shlibdeps -O "$PKG/usr/bin/alertwhisperer" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$DEPENDS" ] || { echo "make-package: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
SIZE=$(du -sk "$PKG" | cut -f1)
cat >"$PKG/DEBIAN/control" <<CONTROL
Package: alertwhisperer
Version: $VERSION
Architecture: $ARCH
Maintainer: Alert Whisperer developers <alertwhisperer@localhost>
Installed-Size: $SIZE
Depends: $DEPENDS, adduser
Section: net
Priority: optional
Homepage: https://localhost/alertwhisperer
Description: alert intake and incident response for managed service providers
 Takes in alerts from every client company's monitoring tools (webhooks, Prometheus
 Alertmanager, Grafana, PagerDuty, Datadog, Zabbix, CloudWatch via SNS), correlates them into
 prioritised incidents, and drives them to resolution: SLA clocks, on-call and escalation,
 approved runbooks, an audit trail and live updates in the web dashboard.
CONTROL
mkdir -p "$OUT"
DEB=$OUT/alertwhisperer_${VERSION}_${ARCH}.deb
fakeroot dpkg-deb --build -Zxz "$PKG" "$DEB" >/dev/null
echo "$DEB"
