#!/usr/bin/env bash
# Ensure PostgreSQL server binaries and the `postgres` system user exist.
# Tests start their own throwaway cluster (tests/pgserver.py); this script
# only makes sure the binaries are installed. Fast no-op when already present.
set -euo pipefail

have_initdb() {
    compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}

if ! have_initdb; then
    if [[ $(id -u) -ne 0 ]]; then
        echo "ensure-postgres: PostgreSQL not found and not running as root; install the 'postgresql' package" >&2
        exit 1
    fi
    echo "ensure-postgres: installing postgresql via apt-get..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    if ! have_initdb; then
        echo "ensure-postgres: apt-get finished but no /usr/lib/postgresql/*/bin/initdb exists" >&2
        exit 1
    fi
fi

if ! id -u postgres >/dev/null 2>&1; then
    echo "ensure-postgres: system user 'postgres' does not exist (expected from Debian's postgresql package)" >&2
    exit 1
fi
