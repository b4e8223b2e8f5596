#!/bin/sh
# Capabilities the command holds (/proc/self/status), by caller and options.
. "$(dirname "$0")/../lib.sh"

last=$(cat /proc/sys/kernel/cap_last_cap)
hex() { printf '%016x' "$1"; }
ALL=$(hex $(( (1 << (last + 1)) - 1 )))
NONE=$(hex 0)
NET_RAW=$(hex $((1 << 13)))
SYS_ADMIN=$((1 << 21))

# caps OPTIONS...: "Eff Prm Bnd Amb" of the command.
caps() {
  run_sb "$@" $SYS --proc /proc -- sh -c \
    'for s in CapEff CapPrm CapBnd CapAmb; do sed -n "s/^$s:[[:space:]]*//p" /proc/self/status; done'
  echo $OUT
}
host() { sed -n "s/^$1:[[:space:]]*//p" /proc/self/status; }

if is_root; then
  expect_eq "root, no options: all capabilities kept" "$(host CapEff) $(host CapPrm) $(host CapBnd)" \
    "$(caps | cut -d' ' -f1-3)"
  expect_eq "root with a user namespace: all capabilities kept" "$ALL $ALL $ALL" \
    "$(caps --unshare-user | cut -d' ' -f1-3)"
  expect_eq "root, --cap-drop ALL: none" "$NONE $NONE $NONE $NONE" "$(caps --cap-drop ALL)"
  expect_eq "root, --cap-drop ALL --cap-add CAP_NET_RAW: exactly that" \
    "$NET_RAW $NET_RAW $NET_RAW" "$(caps --cap-drop ALL --cap-add CAP_NET_RAW | cut -d' ' -f1-3)"
  expect_eq "root, --cap-drop CAP_SYS_ADMIN" "$(hex $(( 0x$(host CapBnd) & ~SYS_ADMIN )))" \
    "$(caps --cap-drop CAP_SYS_ADMIN | cut -d' ' -f1)"
  # Without CAP_DAC_OVERRIDE root cannot read another user's 0600 file.
  echo secret >"$TMP/private"
  chown 65534 "$TMP/private"
  chmod 0600 "$TMP/private"
  run_sb $SYS --ro-bind "$TMP/private" /private -- cat /private
  expect_eq "root, no options: DAC override works" "0 secret" "$RC $OUT"
  run_sb --cap-drop ALL $SYS --ro-bind "$TMP/private" /private -- cat /private
  expect_match "root, --cap-drop ALL: DAC override gone" 'Permission denied' "$ERR"
else
  expect_eq "unprivileged, no options: all sets zero" "$NONE $NONE $NONE $NONE" "$(caps)"
  expect_eq "unprivileged, --unshare-all: all sets zero" "$NONE $NONE $NONE $NONE" "$(caps --unshare-all)"
  expect_eq "unprivileged, --cap-add CAP_NET_RAW: exactly that bit" \
    "$NET_RAW $NET_RAW $NET_RAW $NET_RAW" "$(caps --cap-add CAP_NET_RAW)"
  expect_eq "unprivileged, --cap-add cap_net_raw (lower case)" \
    "$NET_RAW $NET_RAW $NET_RAW $NET_RAW" "$(caps --cap-add cap_net_raw)"
  expect_eq "unprivileged, --cap-add ALL: every cap" "$ALL $ALL $ALL $ALL" "$(caps --cap-add ALL)"
  expect_eq "unprivileged, --cap-add all (case-insensitive)" "$ALL $ALL $ALL $ALL" "$(caps --cap-add all)"
  drop=$(hex $(( 0x$ALL & ~SYS_ADMIN )))
  expect_eq "unprivileged, --cap-add ALL --cap-drop CAP_SYS_ADMIN" "$drop $drop $drop $drop" \
    "$(caps --cap-add ALL --cap-drop CAP_SYS_ADMIN)"
  expect_eq "unprivileged, --cap-add then --cap-drop the same: none" "$NONE $NONE $NONE $NONE" \
    "$(caps --cap-add CAP_NET_RAW --cap-drop CAP_NET_RAW)"
  expect_eq "unprivileged with --uid and --dev: caps still exact" "$NET_RAW $NET_RAW $NET_RAW $NET_RAW" \
    "$(caps --uid 1000 --dev /dev --cap-add CAP_NET_RAW)"
fi

# A capability really works: CAP_SYS_ADMIN lets the command mount.
run_sb --unshare-user --cap-drop ALL --cap-add CAP_SYS_ADMIN $SYS --proc /proc --dir /m -- \
  sh -c 'mount -t tmpfs none /m && echo mounted || echo denied'
expect_eq "--cap-add CAP_SYS_ADMIN: mount works" mounted "$OUT"
run_sb --unshare-user --cap-drop ALL $SYS --proc /proc --dir /m -- \
  sh -c 'mount -t tmpfs none /m && echo mounted || echo denied'
expect_eq "--cap-drop ALL: mount denied" denied "$OUT"

run_sb --cap-add FOO $SYS -- true
expect_eq "unknown cap" "1 sandbox: unknown cap: FOO" "$RC $ERR"
run_sb --cap-drop CAP_NOPE $SYS -- true
expect_eq "unknown cap (drop)" "1 sandbox: unknown cap: CAP_NOPE" "$RC $ERR"
run_sb --cap-add
expect_eq "--cap-add without argument" "1 sandbox: --cap-add takes an argument" "$RC $ERR"

done_testing
