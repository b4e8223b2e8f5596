description Build systems: project directory writable, no network, cleared environment
include base-fs
include base-syscalls

unshare-all
die-with-parent
new-session
cap-drop ALL
hostname build

# The project (the current directory), read-write.
# Run from the home directory (or one holding it), the home is shown
# read-only and writes go to a throwaway layer; stderr says so.
overlay-home bind ${CWD} ${CWD}
chdir ${CWD}

# An allow-list environment: builds must not depend on the caller's.
clearenv
setenv PATH /usr/local/bin:/usr/bin:/bin
setenv HOME /tmp
setenv LANG C.UTF-8
setenv TERM dumb
optional setenv SOURCE_DATE_EPOCH ${SOURCE_DATE_EPOCH}
optional setenv MAKEFLAGS ${MAKEFLAGS}
