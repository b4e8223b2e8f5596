# fish completion for sandbox(1)
# SPDX-License-Identifier: LGPL-2.1-or-later

# Options by the number of their arguments (those not listed take one).
set -g __fish_sandbox_flags help version level-prefix unshare-all share-net \
    unshare-user unshare-user-try unshare-ipc unshare-pid unshare-net \
    unshare-uts unshare-cgroup unshare-cgroup-try disable-userns \
    assert-userns-disabled clearenv new-session die-with-parent as-pid-1 \
    list-profiles explain pty no-pty net no-net
set -g __fish_sandbox_two bind bind-try dev-bind dev-bind-try ro-bind \
    ro-bind-try symlink bind-fd ro-bind-fd file bind-data ro-bind-data setenv chmod
set -g __fish_sandbox_three overlay

# The binary being completed (a build tree's ./build/sandbox answers for
# itself), else the one in PATH.
function __fish_sandbox_bin
    set -l b (commandline -opc)[1]
    if string match -q '*/*' -- $b; and test -x $b
        echo $b
    else
        echo sandbox
    end
end

# Where the cursor is: "option", "arg OPTION N" (the Nth argument of an
# option) or "command INDEX" (the command starts at token INDEX, which may
# be the one being typed).
function __fish_sandbox_state
    set -l tokens (commandline -opc)
    set -l i 2
    set -l n (count $tokens)
    while test $i -le $n
        set -l w $tokens[$i]
        if test "$w" = --
            echo command (math $i + 1)
            return
        end
        if not string match -q -- '-*' $w
            echo command $i
            return
        end
        set -l name (string replace -r -- '^--' '' $w)
        set -l nargs 1
        if contains -- $name $__fish_sandbox_flags
            set nargs 0
        else if contains -- $name $__fish_sandbox_two
            set nargs 2
        else if contains -- $name $__fish_sandbox_three
            set nargs 3
        end
        set -l last (math $i + $nargs)
        if test $last -gt $n
            echo arg $name (math $n - $i + 1)
            return
        end
        set i (math $last + 1)
    end
    # A word that is not an option, being typed: the command.
    if string match -q -- '-*' (commandline -ct)
        echo option
    else
        echo command $i
    end
end

function __fish_sandbox_at_option
    test (__fish_sandbox_state) = option
end

# True at argument N (default 1) of one of the given options.
function __fish_sandbox_arg_of
    set -l state (string split ' ' -- (__fish_sandbox_state))
    test "$state[1]" = arg; or return 1
    set -l want 1
    if string match -qr '^[0-9]+$' -- $argv[1]
        set want $argv[1]
        set -e argv[1]
    end
    test "$state[3]" = $want; and contains -- $state[2] $argv
end

function __fish_sandbox_in_command
    string match -q 'command *' -- (__fish_sandbox_state)
end

function __fish_sandbox_complete_command
    set -l state (string split ' ' -- (__fish_sandbox_state))
    set -l tokens (commandline -opc) (commandline -ct)
    complete -C (string join ' ' -- (string escape -- $tokens[$state[2]..-1]))
end

function __fish_sandbox_profiles
    if string match -q -- '*/*' (commandline -ct)
        __fish_complete_path (commandline -ct)
        return
    end
    __fish_sandbox_bin | read -l bin
    $bin --list-profiles 2>/dev/null | string replace -r '^(\S+)\s+\S+\s*(.*)$' '$1\t$2'
end

function __fish_sandbox_groups
    __fish_sandbox_bin | read -l bin
    $bin --syscalls all 2>/dev/null | string replace -r '^(\S+)\s+(.*)$' '$1\t$2'
end

# Syscall names: what the binary lists (every group's members), asked once.
function __fish_sandbox_syscall_names
    if not set -q __fish_sandbox_syscall_cache
        __fish_sandbox_bin | read -l bin
        set -g __fish_sandbox_syscall_cache ($bin --syscalls @known 2>/dev/null)
        if test (count $__fish_sandbox_syscall_cache) -eq 0
            for g in ($bin --syscalls all 2>/dev/null | string replace -r '\s.*' '')
                set -a __fish_sandbox_syscall_cache ($bin --syscalls $g 2>/dev/null)
            end
            set -g __fish_sandbox_syscall_cache (printf '%s\n' $__fish_sandbox_syscall_cache | sort -u)
        end
    end
    printf '%s\n' $__fish_sandbox_syscall_cache
end

set -g __fish_sandbox_actions allow errno 'errno(' kill kill-process kill-thread trap log

# A rule 'NAMES ACTION [if COND]' is one word: the name after the last
# comma, or the action once the names are followed by a blank.
function __fish_sandbox_rule
    set -l cur (commandline -ct | string replace -r '^[\'"]' '')
    if string match -qr '\s\S*\s' -- $cur
        return
    end
    if string match -qr '\s' -- $cur
        set -l head (string replace -r '\s\S*$' '' -- $cur)
        for a in $__fish_sandbox_actions
            printf '%s %s\n' $head $a
        end
        return
    end
    set -l head (string match -r '^.*,' -- $cur)
    __fish_sandbox_groups | string replace -r '^' "$head"
    __fish_sandbox_syscall_names | string replace -r '^' "$head"
end

set -l caps CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_FSETID \
    CAP_KILL CAP_SETGID CAP_SETUID CAP_SETPCAP CAP_LINUX_IMMUTABLE \
    CAP_NET_BIND_SERVICE CAP_NET_BROADCAST CAP_NET_ADMIN CAP_NET_RAW \
    CAP_IPC_LOCK CAP_IPC_OWNER CAP_SYS_MODULE CAP_SYS_RAWIO CAP_SYS_CHROOT \
    CAP_SYS_PTRACE CAP_SYS_PACCT CAP_SYS_ADMIN CAP_SYS_BOOT CAP_SYS_NICE \
    CAP_SYS_RESOURCE CAP_SYS_TIME CAP_SYS_TTY_CONFIG CAP_MKNOD CAP_LEASE \
    CAP_AUDIT_WRITE CAP_AUDIT_CONTROL CAP_SETFCAP CAP_MAC_OVERRIDE \
    CAP_MAC_ADMIN CAP_SYSLOG CAP_WAKE_ALARM CAP_BLOCK_SUSPEND CAP_AUDIT_READ \
    CAP_PERFMON CAP_BPF CAP_CHECKPOINT_RESTORE ALL
set -l arches x86 x86_64 x32 arm aarch64 mips mips64 mips64n32 mipsel mipsel64 \
    mipsel64n32 ppc ppc64 ppc64le s390 s390x parisc parisc64 riscv64 loongarch64
function __fish_sandbox_rlimits
    printf '%s=\n' AS CORE CPU DATA FSIZE LOCKS MEMLOCK MSGQUEUE NICE NOFILE \
        NPROC RSS RTPRIO RTTIME SIGPENDING STACK
end

complete -c sandbox -e
# No file names where an option is expected; the arguments below say
# where files fit.
complete -c sandbox -n __fish_sandbox_at_option -f
complete -c sandbox -n __fish_sandbox_in_command -x -a '(__fish_sandbox_complete_command)'

function __fish_sandbox_opt
    complete -c sandbox -n 'not __fish_sandbox_in_command' $argv
end

__fish_sandbox_opt -l help -d 'Print this help'
__fish_sandbox_opt -l version -d 'Print version'
__fish_sandbox_opt -l check -d 'Probe what this host allows and exit'
__fish_sandbox_opt -l args -x -d 'Parse NUL-separated args from FD'
__fish_sandbox_opt -l argv0 -x -d 'Set argv[0] to VALUE before running the program'
__fish_sandbox_opt -l level-prefix -d 'Prepend e.g. <3> to diagnostic messages'
__fish_sandbox_opt -l unshare-all -d 'Unshare every namespace we support by default'
__fish_sandbox_opt -l share-net -d 'Retain the network namespace'
__fish_sandbox_opt -l unshare-user -d 'Create new user namespace'
__fish_sandbox_opt -l unshare-user-try -d 'Create new user namespace if possible'
__fish_sandbox_opt -l unshare-ipc -d 'Create new ipc namespace'
__fish_sandbox_opt -l unshare-pid -d 'Create new pid namespace'
__fish_sandbox_opt -l unshare-net -d 'Create new network namespace'
__fish_sandbox_opt -l unshare-uts -d 'Create new uts namespace'
__fish_sandbox_opt -l unshare-cgroup -d 'Create new cgroup namespace'
__fish_sandbox_opt -l unshare-cgroup-try -d 'Create new cgroup namespace if possible'
__fish_sandbox_opt -l userns -x -d 'Use this user namespace (FD)'
__fish_sandbox_opt -l userns2 -x -d 'After setup switch to this user namespace (FD)'
__fish_sandbox_opt -l disable-userns -d 'Disable further use of user namespaces inside sandbox'
__fish_sandbox_opt -l assert-userns-disabled -d 'Fail unless user namespaces are disabled inside'
__fish_sandbox_opt -l pidns -x -d 'Use this pid namespace (FD)'
__fish_sandbox_opt -l uid -x -d 'Custom uid in the sandbox'
__fish_sandbox_opt -l gid -x -d 'Custom gid in the sandbox'
__fish_sandbox_opt -l hostname -x -d 'Custom hostname in the sandbox'
__fish_sandbox_opt -l chdir -x -a '(__fish_complete_directories)' -d 'Change directory to DIR'
__fish_sandbox_opt -l clearenv -d 'Unset all environment variables'
__fish_sandbox_opt -l setenv -x -a '(set -xn)' -d 'Set an environment variable'
__fish_sandbox_opt -l unsetenv -x -a '(set -xn)' -d 'Unset an environment variable'
__fish_sandbox_opt -l drop-secret-env -d 'Leave out inherited variables named like secrets'
__fish_sandbox_opt -l keep-env -x -a '(set -xn)' -d 'Keep VAR although its name looks like a secret'
__fish_sandbox_opt -l lock-file -r -F -d 'Take a lock on DEST while sandbox is running'
__fish_sandbox_opt -l sync-fd -x -d 'Keep this fd open while sandbox is running'
__fish_sandbox_opt -l bind -r -F -d 'Bind mount the host path SRC on DEST'
__fish_sandbox_opt -l bind-try -r -F -d 'Equal to --bind but ignores non-existent SRC'
__fish_sandbox_opt -l dev-bind -r -F -d 'Bind mount SRC on DEST, allowing device access'
__fish_sandbox_opt -l dev-bind-try -r -F -d 'Equal to --dev-bind but ignores non-existent SRC'
__fish_sandbox_opt -l ro-bind -r -F -d 'Bind mount the host path SRC readonly on DEST'
__fish_sandbox_opt -l ro-bind-try -r -F -d 'Equal to --ro-bind but ignores non-existent SRC'
__fish_sandbox_opt -l bind-fd -x -d 'Bind open directory or path fd on DEST'
__fish_sandbox_opt -l ro-bind-fd -x -d 'Bind open directory or path fd read-only on DEST'
__fish_sandbox_opt -l remount-ro -r -F -d 'Remount DEST as readonly'
__fish_sandbox_opt -l protect -r -F -d 'Keep PATH, or entry NAME of every writable bind, read-only'
__fish_sandbox_opt -l hide -r -F -d 'Hide PATH: an empty read-only dir or file in its place'
__fish_sandbox_opt -l mask -r -F -d 'Same as --hide'
__fish_sandbox_opt -l overlay-src -x -a '(__fish_complete_directories)' -d 'Read files from SRC in the following overlay'
__fish_sandbox_opt -l overlay -x -a '(__fish_complete_directories)' -d 'Mount overlayfs on DEST, writes to RWSRC'
__fish_sandbox_opt -l tmp-overlay -r -F -d 'Mount overlayfs on DEST, writes to an invisible tmpfs'
__fish_sandbox_opt -l ro-overlay -r -F -d 'Mount overlayfs read-only on DEST'
__fish_sandbox_opt -l exec-label -x -d 'Exec label for the sandbox'
__fish_sandbox_opt -l file-label -x -d 'File label for temporary sandbox content'
__fish_sandbox_opt -l proc -r -F -d 'Mount new procfs on DEST'
__fish_sandbox_opt -l dev -r -F -d 'Mount new dev on DEST'
__fish_sandbox_opt -l tmpfs -r -F -d 'Mount new tmpfs on DEST'
__fish_sandbox_opt -l mqueue -r -F -d 'Mount new mqueue on DEST'
__fish_sandbox_opt -l dir -r -F -d 'Create dir at DEST'
__fish_sandbox_opt -l file -x -d 'Copy from FD to destination DEST'
__fish_sandbox_opt -l bind-data -x -d 'Copy from FD to file which is bind-mounted on DEST'
__fish_sandbox_opt -l ro-bind-data -x -d 'Copy from FD to file which is readonly bind-mounted on DEST'
__fish_sandbox_opt -l symlink -r -F -d 'Create symlink at DEST with target SRC'
__fish_sandbox_opt -l seccomp -x -d 'Load and use seccomp rules from FD (not repeatable)'
__fish_sandbox_opt -l add-seccomp-fd -x -d 'Load and use seccomp rules from FD (repeatable)'
__fish_sandbox_opt -l block-fd -x -d 'Block on FD until some data to read is available'
__fish_sandbox_opt -l userns-block-fd -x -d 'Block on FD until the user namespace is ready'
__fish_sandbox_opt -l info-fd -x -d 'Write information about the running container to FD'
__fish_sandbox_opt -l json-status-fd -x -d 'Write container status to FD as JSON documents'
__fish_sandbox_opt -l new-session -d 'Create a new terminal session'
__fish_sandbox_opt -l die-with-parent -d 'Kill COMMAND when sandbox or its parent dies'
__fish_sandbox_opt -l as-pid-1 -d 'Do not install a reaper process with PID=1'
__fish_sandbox_opt -l pty -d 'Give the command a terminal of its own'
__fish_sandbox_opt -l no-pty -d 'Let the command use our terminal directly'
__fish_sandbox_opt -l read -r -F -d 'Let the command read PATH'
__fish_sandbox_opt -l write -r -F -d 'Let the command read and write PATH'
__fish_sandbox_opt -l net -d "Give the command the host's network"
__fish_sandbox_opt -l no-net -d 'No network: only a loopback of its own'
__fish_sandbox_opt -l home -r -a '(__fish_complete_directories)' -d 'Use DIR as the home directory'
__fish_sandbox_opt -l cap-add -x -a "$caps" -d 'Add cap CAP when running as privileged user'
__fish_sandbox_opt -l cap-drop -x -a "$caps" -d 'Drop cap CAP when running as privileged user'
__fish_sandbox_opt -l perms -x -d 'Set permissions of next argument'
__fish_sandbox_opt -l size -x -d 'Set size of next argument (only for --tmpfs)'
__fish_sandbox_opt -l chmod -x -d 'Change permissions of PATH (must already exist)'
__fish_sandbox_opt -l rlimit -x -a '(__fish_sandbox_rlimits)' -d 'Set a resource limit NAME=SOFT[:HARD]'
__fish_sandbox_opt -l timeout -x -d 'Kill the sandbox after SECONDS'
__fish_sandbox_opt -l kill-leftovers -d 'When the command exits, kill what it left running'
__fish_sandbox_opt -l landlock -d 'Confine the command with Landlock rules mirroring the mounts'
__fish_sandbox_opt -l require-namespaces -d 'Fail where user namespaces are refused, instead of the no-namespace mode'
__fish_sandbox_opt -l memory-max -x -d 'Limit memory in a cgroup of its own'
__fish_sandbox_opt -l pids-max -x -d 'Limit the number of tasks in a cgroup of its own'
__fish_sandbox_opt -l net-allow -x -d 'Own network namespace, out only through a proxy to HOST[:PORT]'
__fish_sandbox_opt -l net-log -r -F -d 'Append one JSON line per proxied connection to FILE'
__fish_sandbox_opt -l net-private -d 'Own network namespace with outbound network through pasta'
__fish_sandbox_opt -l app -x -d 'A persistent home of its own for app NAME'
__fish_sandbox_opt -l x11 -d 'Pass the X11 display: its socket and its cookie only'
__fish_sandbox_opt -l pipewire -d "Pass PipeWire's socket"
__fish_sandbox_opt -l dbus-see -x -d 'Session bus through xdg-dbus-proxy: may see NAME'
__fish_sandbox_opt -l dbus-talk -x -d 'Session bus through xdg-dbus-proxy: may talk to NAME'
__fish_sandbox_opt -l dbus-own -x -d 'Session bus through xdg-dbus-proxy: may own NAME'
__fish_sandbox_opt -l dbus-call -x -d 'Session bus through xdg-dbus-proxy: may make calls NAME=RULE'
__fish_sandbox_opt -l dbus-broadcast -x -d 'Session bus through xdg-dbus-proxy: gets signals NAME=RULE'
__fish_sandbox_opt -l dbus-system-see -x -d 'System bus through xdg-dbus-proxy: may see NAME'
__fish_sandbox_opt -l dbus-system-talk -x -d 'System bus through xdg-dbus-proxy: may talk to NAME'
__fish_sandbox_opt -l dbus-system-own -x -d 'System bus through xdg-dbus-proxy: may own NAME'
__fish_sandbox_opt -l dbus-system-call -x -d 'System bus through xdg-dbus-proxy: may make calls NAME=RULE'
__fish_sandbox_opt -l dbus-system-broadcast -x -d 'System bus through xdg-dbus-proxy: gets signals NAME=RULE'
__fish_sandbox_opt -l profile -x -a '(__fish_sandbox_profiles)' -d 'Apply a profile here among the options'
__fish_sandbox_opt -l syscall -x -a '(__fish_sandbox_rule)' -d "Add a syscall rule: 'NAMES ACTION [if COND]'"
__fish_sandbox_opt -l syscall-default -x -a '(printf "%s\n" $__fish_sandbox_actions)' -d 'Action for known syscalls no rule names'
__fish_sandbox_opt -l syscall-arch -x -a "$arches" -d 'Also accept syscalls of ARCH'
__fish_sandbox_opt -l list-profiles -d 'List profiles: name, source, description'
__fish_sandbox_opt -l explain -d 'Print the resolved plan and exit'
__fish_sandbox_opt -l export-bpf -r -F -d 'Write the compiled filter as raw BPF and exit'
__fish_sandbox_opt -l learn -r -F -d 'Watch one run of the command and write a profile for it to FILE'
__fish_sandbox_opt -l learn-syscalls -d 'With --learn: also an allow-list of the syscalls the run used'
__fish_sandbox_opt -l syscalls -x -a 'all (__fish_sandbox_groups)' -d "List a syscall group's members, and exit"

# Second and third arguments.
complete -c sandbox -n '__fish_sandbox_arg_of 2 bind bind-try dev-bind dev-bind-try ro-bind ro-bind-try symlink bind-fd ro-bind-fd file bind-data ro-bind-data chmod' -F
complete -c sandbox -n '__fish_sandbox_arg_of 2 overlay' -x -a '(__fish_complete_directories)'
complete -c sandbox -n '__fish_sandbox_arg_of 3 overlay' -x -a '(__fish_complete_directories)'
complete -c sandbox -n '__fish_sandbox_arg_of 2 setenv' -x
