# The default profile without the working directory: what a learned
# profile (sandbox --learn) starts from, and a base for commands that are
# given exactly the files they need (--read, --write).
description The host's system read-only, fresh /tmp, /proc and /dev, no network, none of your files

include base-fs
include base-syscalls

unshare-all
die-with-parent
new-session
cap-drop ALL

# The caller's secret-looking variables stay outside.
include base-env
