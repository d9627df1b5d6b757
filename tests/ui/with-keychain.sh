#!/usr/bin/env bash
# Runs a command (a test) against a real Secret Service: a private D-Bus session bus with
# gnome-keyring-daemon, whose login keyring is created and unlocked here, under a throw-away HOME.
# Needs no display. Never skips: when the keychain cannot start it says why and fails.
#   tests/ui/with-keychain.sh build/normal/tests/ui/tst_keychain
set -euo pipefail

if [[ "${TETHER_KEYCHAIN_INNER:-}" != 1 ]]; then
    for tool in dbus-run-session gnome-keyring-daemon secret-tool timeout; do
        if ! command -v "$tool" >/dev/null; then
            echo "with-keychain: '$tool' not found: install the test packages with scripts/deps" \
                 "(dbus-daemon, gnome-keyring, libsecret-tools)" >&2
            exit 2
        fi
    done
    home=$(mktemp -d "${TMPDIR:-/tmp}/tether-keychain.XXXXXX")
    trap 'rm -rf "$home"' EXIT
    mkdir -m 700 "$home/run"
    rc=0
    # Bounded: the whole session (bus, keyring, test) is killed after the limit.
    HOME="$home" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" XDG_CACHE_HOME="$home/cache" \
        XDG_RUNTIME_DIR="$home/run" TETHER_KEYCHAIN_INNER=1 \
        timeout -k 5 "${TETHER_KEYCHAIN_TIMEOUT:-150}" dbus-run-session -- "$0" "$@" || rc=$?
    if [[ $rc -eq 124 ]]; then
        echo "with-keychain: timed out after ${TETHER_KEYCHAIN_TIMEOUT:-150} s" >&2
    fi
    exit "$rc"
fi

# Inside the private session bus. The password only unlocks this throw-away keyring.
log="$XDG_RUNTIME_DIR/gnome-keyring.log"
if ! printf '%s' "tether-test-$$" | gnome-keyring-daemon --unlock --components=secrets >"$log" 2>&1; then
    echo "with-keychain: gnome-keyring-daemon did not start:" >&2
    cat "$log" >&2
    exit 3
fi
# Proof that the Secret Service answers and the keyring is unlocked, before the test relies on it.
probe="probe-$$"
if ! printf 'ok' | secret-tool store --label="Tether keychain probe" tether-keychain-probe "$probe" \
    || [[ "$(secret-tool lookup tether-keychain-probe "$probe")" != ok ]]; then
    echo "with-keychain: the Secret Service does not store secrets (locked or not running):" >&2
    cat "$log" >&2
    exit 3
fi
secret-tool clear tether-keychain-probe "$probe"
export TETHER_KEYCHAIN_SESSION=1
exec "$@"
