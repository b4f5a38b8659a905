#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing (as
# root, like `task run` installs postgresql); as another user it prints the
# exact apt-get line and stops, instead of failing deep inside a test.
set -euo pipefail
need=()
have() { command -v "$1" >/dev/null 2>&1; }
have curl    || need+=(curl)
have wget    || need+=(wget)
have skopeo  || need+=(skopeo)
have git     || need+=(git)
have openssl || need+=(openssl) # license keys made by openssl genpkey (internal/license)
have gcc     || need+=(gcc libc6-dev) # go test -race needs cgo
have node    || need+=(nodejs)
have npm     || need+=(npm)
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || need+=(chromium)
# pip and twine scenarios (handlers/pypi): Debian's python, not a pyenv one.
pymod() { [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import $1" >/dev/null 2>&1; }
[ -x /usr/bin/twine ] || need+=(twine)
pymod build      || need+=(python3-build)
pymod wheel      || need+=(python3-wheel)
pymod setuptools || need+=(python3-setuptools)
pymod pip        || need+=(python3-pip)
# ensurepip imports without python3-venv too (Debian disables it instead).
dpkg-query -W -f='${Status}' python3-venv 2>/dev/null | grep -q 'ok installed' || need+=(python3-venv)
# packaging (cmd/kodera): `compose config` needs only the client, no engine.
{ have docker && docker compose version >/dev/null 2>&1; } || have docker-compose || need+=(docker-compose)
# the transaction-pooling scenario (internal/app): a real PgBouncer.
[ -x /usr/sbin/pgbouncer ] || need+=(pgbouncer)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
# LDAP sign-in tests (internal/auth/ldap) start their own OpenLDAP.
[ -x /usr/sbin/slapd ] || need+=(slapd)
have ldapadd || need+=(ldap-utils)
if [ -z "$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null)" ]; then need+=(postgresql); fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "missing system packages; install them with:" >&2
  echo "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "test: installing ${need[*]} (apt-get)"
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
