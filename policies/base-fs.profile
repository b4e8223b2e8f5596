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

# Files that run code outside the sandbox later stay read-only wherever a
# writable bind exposes them (the current directory is writable in most
# profiles): git's configuration and hooks of the project, and, when the
# home directory is in reach, shell start-up files, ssh and gpg, desktop
# autostart and user services. A path that is not in the sandbox is
# skipped. (A missing start-up file can still be created where its
# directory is writable: run from a project directory, not from ~.)
protect ${CWD}/.git/hooks
protect ${CWD}/.git/config
optional protect ${HOME}/.bashrc
optional protect ${HOME}/.bash_profile
optional protect ${HOME}/.bash_login
optional protect ${HOME}/.bash_logout
optional protect ${HOME}/.profile
optional protect ${HOME}/.zshrc
optional protect ${HOME}/.zshenv
optional protect ${HOME}/.zprofile
optional protect ${HOME}/.zlogin
optional protect ${HOME}/.config/fish
optional protect ${HOME}/.ssh
optional protect ${HOME}/.gnupg
optional protect ${HOME}/.gitconfig
optional protect ${HOME}/.config/git
optional protect ${HOME}/.config/autostart
optional protect ${HOME}/.config/systemd
optional protect ${HOME}/.config/environment.d
optional protect ${HOME}/.pam_environment
optional protect ${HOME}/.xprofile
optional protect ${HOME}/.xsessionrc
