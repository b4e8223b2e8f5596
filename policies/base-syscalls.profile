description Building block: the syscalls a sandbox must deny, for a default-allow policy
# Known syscalls are allowed unless named here; syscalls the table does not
# know get ENOSYS. Later rules for the same syscall replace earlier ones.
syscall-default allow

# Nested user namespaces and namespace games.
syscall clone errno(EPERM) if a0 & CLONE_NEWUSER == CLONE_NEWUSER || a0 & CLONE_NEWNS == CLONE_NEWNS || a0 & CLONE_NEWNET == CLONE_NEWNET || a0 & CLONE_NEWPID == CLONE_NEWPID || a0 & CLONE_NEWIPC == CLONE_NEWIPC || a0 & CLONE_NEWUTS == CLONE_NEWUTS || a0 & CLONE_NEWCGROUP == CLONE_NEWCGROUP
# clone3 passes its flags in memory a filter cannot read: ENOSYS, and libc
# falls back to clone, whose flags it can.
syscall clone3 errno(ENOSYS)
syscall unshare,setns errno(EPERM)

# Mounting: the old API is refused, the new one is "not implemented" so
# that tools fall back to the old one and get a clean EPERM.
syscall @mount errno(EPERM)
syscall open_tree,move_mount,fsopen,fsconfig,fsmount,fspick,mount_setattr errno(ENOSYS)

# The kernel's riskiest interfaces.
syscall @keyring errno(EPERM)
syscall bpf,perf_event_open,userfaultfd errno(EPERM)
syscall io_uring_setup,io_uring_enter,io_uring_register errno(ENOSYS)
syscall @module,@reboot,@swap,@raw-io,@cpu-emulation,@obsolete errno(EPERM)
syscall kexec_load,kexec_file_load,acct,quotactl,syslog,lookup_dcookie errno(EPERM)
syscall open_by_handle_at errno(EPERM)
syscall settimeofday,clock_settime,clock_adjtime,adjtimex errno(EPERM)

# The sandbox's pid 1 reaps and reports the exit status: a command that
# ptrace-stopped it would hang the whole sandbox. Debuggers still work on
# every other process. (pid_t is an int: compare its low 32 bits.)
syscall ptrace errno(EPERM) if a1 & 0xffffffff == 1
syscall process_vm_writev errno(EPERM) if a0 & 0xffffffff == 1

# Terminal injection (CVE-2017-5226, CVE-2023-28100). The request is an
# int in the kernel: compare only its low 32 bits, or 0x100005412 passes.
syscall ioctl errno(EPERM) if a1 & 0xffffffff == TIOCSTI || a1 & 0xffffffff == TIOCLINUX

# Personalities that weaken the address space layout. The query value
# 0xffffffff has these bits set too and is refused with them: exempting it
# exactly takes 31 more alternatives (one comparison per argument in
# libseccomp), which would double the compile time of this profile.
syscall personality errno(EPERM) if a0 & ADDR_NO_RANDOMIZE == ADDR_NO_RANDOMIZE || a0 & READ_IMPLIES_EXEC == READ_IMPLIES_EXEC || a0 & MMAP_PAGE_ZERO == MMAP_PAGE_ZERO || a0 & ADDR_COMPAT_LAYOUT == ADDR_COMPAT_LAYOUT

# Socket families beyond unix, inet, inet6 and netlink (vsock reaches the
# hypervisor, AF_ALG and friends are attack surface).
syscall socket errno(EAFNOSUPPORT) if a0 == AF_UNSPEC || a0 == 3 || a0 == 4 || a0 == 5 || a0 == 6 || a0 == 7 || a0 == 8 || a0 == 9 || a0 == 11 || a0 == 12 || a0 == 13 || a0 == 14 || a0 == 15 || a0 > AF_NETLINK

# No set-user-id or set-group-id files.
include base-nosuid
