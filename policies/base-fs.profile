description Building block: the host's system read-only, fresh /tmp, /proc, /dev
# The system, read-only. On merged-/usr systems /bin, /lib... are symlinks
# into /usr; a bind follows them and shows the same files.
ro-bind /usr /usr
ro-bind-try /bin /bin
ro-bind-try /sbin /sbin
ro-bind-try /lib /lib
ro-bind-try /lib32 /lib32
ro-bind-try /lib64 /lib64
ro-bind-try /libx32 /libx32
ro-bind-try /opt /opt
ro-bind /etc /etc
# Password hashes stay out, even for a root caller (uid 0 inside reads
# root-owned files by ownership alone, capabilities or not).
ro-bind /dev/null /etc/shadow
ro-bind /dev/null /etc/gshadow

proc /proc
dev /dev
tmpfs /tmp
tmpfs /var/tmp
tmpfs /run
dir /run/user/${UID}
setenv XDG_RUNTIME_DIR /run/user/${UID}

# What a writable bind must not let the command change or read: see
# base-protect.
include base-protect
