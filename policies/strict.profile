description Untrusted code: allow-list syscalls, nothing from the host but explicit binds, no network
# Only what is bound explicitly after this profile is visible, besides a
# minimal /proc, /dev and /tmp. Bind the program and its libraries.
proc /proc
dev /dev
tmpfs /tmp
# Writable binds added after it keep the project's entries read-only and
# the home's secrets hidden, as under every profile.
include base-protect

unshare-all
die-with-parent
new-session
cap-drop ALL

# Allow-list: known syscalls not named below fail with EPERM, unknown ones
# with ENOSYS.
syscall-default errno(EPERM)
syscall @default,@basic-io,@file-system,@io-event,@process,@signal,@timer,@sync,@resources allow
syscall @ipc allow
syscall getrandom,uname,sysinfo,getcpu,getrusage,prctl,arch_prctl,set_tid_address,rseq allow
# umask cannot fail: libc returns the -1 of a denial as the old mask, and
# tools derive file modes from it (the linker then writes a non-executable
# program).
syscall umask allow
syscall mmap,mprotect,munmap,mremap,brk,madvise,mincore,msync allow
syscall pipe,pipe2,dup,dup2,dup3,fcntl,ioctl,poll,ppoll,select,pselect6 allow
# Processes: fork and threads, not namespaces.
syscall clone errno(EPERM)
syscall clone allow if a0 & CLONE_NEWUSER|CLONE_NEWNS|CLONE_NEWNET|CLONE_NEWPID|CLONE_NEWIPC|CLONE_NEWUTS|CLONE_NEWCGROUP == 0
syscall clone3 errno(ENOSYS)
syscall @privileged,@mount,@module,@raw-io,@reboot,@swap,@debug,@keyring,@obsolete errno(EPERM)
# Without capabilities these can only keep one's own ids and files (make
# calls setresuid with its own ids before each recipe).
syscall @setuid,@chown allow
syscall unshare,setns,bpf,perf_event_open,userfaultfd,personality errno(EPERM)
syscall io_uring_setup,io_uring_enter,io_uring_register errno(ENOSYS)
# Sockets: local only.
syscall socket,socketpair allow if a0 == AF_UNIX
syscall connect,accept,accept4,bind,listen,getsockname,getpeername,sendto,recvfrom,sendmsg,recvmsg,shutdown,getsockopt,setsockopt allow
# Terminal: the usual requests only (no TIOCSTI, TIOCLINUX).
syscall ioctl errno(EPERM)
syscall ioctl allow if a1 & 0xffffffff == TCGETS || a1 & 0xffffffff == TCSETS || a1 & 0xffffffff == TCSETSW || a1 & 0xffffffff == TCSETSF || a1 & 0xffffffff == TIOCGWINSZ || a1 & 0xffffffff == TIOCSWINSZ || a1 & 0xffffffff == TIOCGPGRP || a1 & 0xffffffff == TIOCSPGRP || a1 & 0xffffffff == FIONREAD || a1 & 0xffffffff == FIONBIO || a1 & 0xffffffff == FIOCLEX || a1 & 0xffffffff == FIONCLEX

# Resource bounds: no core files, a bounded number of files, processes
# and file size.
rlimit core=0
rlimit nofile=1024
rlimit nproc=512
rlimit fsize=1G
