syscall-arch x86
syscall-default errno(EPERM)
syscall socket allow if a0 == AF_UNIX
syscall personality allow
syscall personality errno(EPERM) if a0 & ADDR_NO_RANDOMIZE == ADDR_NO_RANDOMIZE
syscall @file-system errno(EPERM) if a1 == 0 || a1 == 1 || a1 == 2 || a1 == 3 || a1 == 4 || a1 == 5 || a1 == 6 || a1 == 7 || a1 == 8 || a1 == 9 || a1 == 10 || a1 == 11 || a1 == 12 || a1 == 13 || a1 == 14 || a1 == 15 || a1 == 16 || a1 == 17 || a1 == 18 || a1 == 19 || a1 == 20 || a1 == 21 || a1 == 22 || a1 == 23 || a1 == 24 || a1 == 25 || a1 == 26 || a1 == 27 || a1 == 28 || a1 == 29 || a1 == 30
size 1048576
tmpfs /t
rlimit nproc=10
rlimit nproc=20
