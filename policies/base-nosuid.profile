description Building block: no set-user-id or set-group-id file is made inside
# Such a file runs with its owner's ids for whoever runs it outside the
# sandbox later: in a writable bind, the caller's (a root caller's files
# are root's on disk through its idmapped binds), a way out for any local
# user. No call here sets those bits (systemd's RestrictSUIDSGID=).
syscall chmod,creat,mknod errno(EPERM) if a1 & S_ISUID == S_ISUID || a1 & S_ISGID == S_ISGID
syscall fchmod errno(EPERM) if a1 & S_ISUID == S_ISUID || a1 & S_ISGID == S_ISGID
syscall fchmodat,fchmodat2,mknodat errno(EPERM) if a2 & S_ISUID == S_ISUID || a2 & S_ISGID == S_ISGID
# open and openat: the mode argument, whatever the flags (libc passes 0
# when the call creates nothing; a mode with these bits is never asked for
# otherwise), which halves their rules.
syscall open errno(EPERM) if a2 & S_ISUID == S_ISUID || a2 & S_ISGID == S_ISGID
syscall openat errno(EPERM) if a3 & S_ISUID == S_ISUID || a3 & S_ISGID == S_ISGID
# openat2 passes its mode in memory a filter cannot read: ENOSYS, and
# callers fall back to openat.
syscall openat2 errno(ENOSYS)
