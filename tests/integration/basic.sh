#!/bin/sh
# Basic run, exit status, errors: the things every bwrap script relies on.
. "$(dirname "$0")/../lib.sh"

run_sb $SYS -- true
expect_eq "true exits 0" 0 "$RC"

run_sb $SYS -- sh -c 'exit 42'
expect_eq "exit status is the command's" 42 "$RC"

run_sb $SYS -- sh -c 'kill -TERM $$'
expect_eq "death by SIGTERM gives 128+15" 143 "$RC"

run_sb $SYS -- sh -c 'kill -KILL $$'
expect_eq "death by SIGKILL gives 128+9" 137 "$RC"

run_sb --unshare-pid $SYS -- sh -c 'kill -KILL $$'
expect_eq "death by signal through pid 1 gives 128+9" 137 "$RC"

run_sb $SYS -- /nonexistent/cmd
expect_eq "exec failure exits 1" 1 "$RC"
expect_match "exec failure names the command" '^sandbox: execvp /nonexistent/cmd: No such file or directory$' "$ERR"

run_sb --bogus-option -- true
expect_eq "unknown option exits 1" 1 "$RC"
expect_eq "unknown option message" "sandbox: Unknown option --bogus-option" "$ERR"

run_sb --bind /nonexistent-src /x -- true
expect_eq "missing bind source exits 1" 1 "$RC"
expect_match "missing bind source names the path" "^sandbox: Can't find source path /nonexistent-src: No such file or directory$" "$ERR"

run_sb --bind /x
expect_eq "--bind without enough arguments" "sandbox: --bind takes two arguments" "$ERR"

run_sb
expect_eq "no command exits 1" 1 "$RC"
expect_match "no command prints usage on stderr" '^usage: .*sandbox \[OPTIONS\.\.\.\] \[--\] COMMAND \[ARGS\.\.\.\]$' "$(echo "$ERR" | head -n1)"

run_sb --help
expect_eq "--help exits 0" 0 "$RC"
expect_match "--help first line" '^usage: .*sandbox \[OPTIONS\.\.\.\] \[--\] COMMAND \[ARGS\.\.\.\]$' "$(echo "$OUT" | head -n1)"

done_testing
