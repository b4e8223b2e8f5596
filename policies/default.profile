# The profile for one-off commands, used when the command line has no
# filesystem option and no --profile. Read-only host system, the current
# directory read-write, a fresh /tmp, /proc and /dev, no network, every
# namespace unshared, no capabilities, and a syscall policy that denies what
# a sandbox must deny while ordinary programs (shells, compilers) still run.
description One-off commands: read-only system, current directory writable, no network

include base-fs
include base-syscalls

unshare-all
die-with-parent
new-session
cap-drop ALL

# The working directory, read-write, and the command starts there.
# Run from the home directory (or one holding it), the home is shown
# read-only and writes go to a throwaway layer; stderr says so.
overlay-home bind ${CWD} ${CWD}
chdir ${CWD}
