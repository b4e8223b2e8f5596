#!/bin/sh
# Shell completions: each file names every option of `sandbox --help` (read
# at test time, so a new option without completion fails here), bash's
# option table agrees with --help on argument counts, and bash, zsh and
# fish (those installed) complete real prefixes. COMPDIR (set by
# completion/meson.build) is the source directory completion/.
. "$(dirname "$0")/../lib.sh"

if [ -z "${COMPDIR:-}" ] || [ ! -f "$COMPDIR/bash/sandbox" ]; then
  echo "1..0 # SKIP completion sources not found (COMPDIR unset)"
  exit 0
fi
BASHC=$COMPDIR/bash/sandbox
ZSHC=$COMPDIR/zsh/_sandbox
FISHC=$COMPDIR/fish/sandbox.fish

# "NAME NARGS" for every option of --help: the left column is 28 wide.
ln -sf "$SB" "$TMP/bwrap"
"$TMP/bwrap" --help | grep '^    --' | cut -c7-32 | awk '{ print $1, NF - 1 }' >"$TMP/opts"
n=$(grep -c . "$TMP/opts")
expect_match "--help lists options" '^[1-9][0-9]+$' "$n"

missing_bash="" missing_zsh="" missing_fish="" wrong_nargs=""
while read -r o nargs; do
  grep -Eq -- "(^|[[:space:]\"])--$o([[:space:]\"]|\$)" "$BASHC" || missing_bash="$missing_bash --$o"
  grep -Fq -- "--$o[" "$ZSHC" || missing_zsh="$missing_zsh --$o"
  grep -Eq -- "-l $o( |\$)" "$FISHC" || missing_fish="$missing_fish --$o"
  got=$(bash -c '. "$1"; _sandbox_nargs "$2"' sh "$BASHC" "--$o")
  [ "$got" = "$nargs" ] || wrong_nargs="$wrong_nargs --$o($nargs, bash says $got)"
done <"$TMP/opts"
expect_eq "bash completion has every --help option" "" "$missing_bash"
expect_eq "zsh completion has every --help option" "" "$missing_zsh"
expect_eq "fish completion has every --help option" "" "$missing_fish"
expect_eq "bash completion knows each option's number of arguments" "" "$wrong_nargs"

# ---- bash: drive the completion function with COMP_WORDS/COMP_CWORD.
if ! command -v bash >/dev/null 2>&1; then
  skip "bash not installed"
else
  spec=$(bash -c '. "$1"; complete -p sandbox' sh "$BASHC" 2>&1)
  expect_eq "bash: registered for sandbox" "complete -F _sandbox sandbox" "$spec"

  # bash_complete WORDS...: the candidates for the last word, one a line.
  bash_complete() {
    bash -c '. "$1"; shift
      COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
      _sandbox; printf "%s\n" "${COMPREPLY[@]}"' sh "$BASHC" "$SB" "$@"
  }
  out=$(bash_complete --ro-b)
  expect_match "bash: --ro-b offers --ro-bind" '^--ro-bind$' "$out"
  expect_match "bash: --ro-b offers --ro-bind-try" '^--ro-bind-try$' "$out"
  expect_nomatch "bash: --ro-b offers only --ro-b..." '^--bind' "$out"
  out=$(bash_complete --profile '')
  expect_match "bash: --profile offers default" '^default$' "$out"
  expect_match "bash: --profile offers strict" '^strict$' "$out"
  out=$(bash_complete --profile st)
  expect_eq "bash: --profile st gives strict" "strict" "$out"
  out=$(bash_complete --cap-add CAP_NET_)
  expect_match "bash: --cap-add CAP_NET_ offers CAP_NET_RAW" '^CAP_NET_RAW$' "$out"
  expect_match "bash: --cap-add CAP_NET_ offers CAP_NET_ADMIN" '^CAP_NET_ADMIN$' "$out"
  out=$(bash_complete --syscalls @mo)
  expect_match "bash: --syscalls @mo offers @mount" '^@mount$' "$out"
  out=$(bash_complete --syscall 'ptrace,@ke')
  expect_eq "bash: --syscall completes a group after a comma" "ptrace,@keyring" "$out"
  out=$(bash_complete --syscall "'ptrace,mount_se")
  expect_eq "bash: --syscall completes a syscall name" "'ptrace,mount_setattr" "$out"
  out=$(bash_complete --syscall "'ptrace kill-t")
  expect_eq "bash: --syscall completes the action" "'ptrace kill-thread" "$out"
  out=$(bash_complete --syscall-default errno)
  expect_match "bash: --syscall-default offers errno(" '^errno\($' "$out"
  out=$(bash_complete --bind /us)
  expect_match "bash: --bind SRC completes paths" '^/usr$' "$out"
  out=$(bash_complete --bind /usr /us)
  expect_match "bash: --bind DEST completes paths" '^/usr$' "$out"
  out=$(bash_complete --info-fd '')
  expect_eq "bash: --info-fd offers nothing" "" "$out"
  out=$(bash_complete --setenv PAT)
  expect_match "bash: --setenv offers variable names" '^PATH$' "$out"
  out=$(bash_complete --unshare-all -- --ro-b)
  expect_nomatch "bash: no options after --" '^--ro-bind' "$out"
  out=$(bash_complete --unshare-all -- s)
  expect_match "bash: the command after -- is a command" '^sh$' "$out"
  out=$(bash_complete --bind /usr /usr s)
  expect_match "bash: the first non-option word is a command" '^sh$' "$out"
fi

# ---- zsh: an interactive zsh in a pseudo-terminal (zpty), two tabs.
if ! command -v zsh >/dev/null 2>&1; then
  skip "zsh not installed"
else
  mkdir -p "$TMP/zfunc"
  cp "$ZSHC" "$TMP/zfunc/"
  cat >"$TMP/drive.zsh" <<'EOF'
zmodload zsh/zpty || exit 1
zpty z zsh -f -i
zpty -w z "PS1='' PROMPT='' RPROMPT=''; fpath=($1 \$fpath); autoload -U compinit; compinit -u -D; zstyle ':completion:*' format ''; LISTMAX=10000; print RE''ADY"
zpty -r z line '*READY*'
zpty -w -n z "$2"$'\t'
zpty -w -n z $'\t'
# Reads until the listing shows pattern $3: an event, not a time (zle takes
# the keys in order); the bound (60 s) only stops a broken run.
out="" i=0
while (( i++ < 1200 )); do
  while zpty -r -t z chunk; do out+=$chunk; done
  [[ $out == $~3 ]] && break
  sleep 0.05
done
print -r -- "$out" | tr -d '\r' | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g'
zpty -d z
EOF
  # zsh_complete LINE UNTIL: the terminal once it shows UNTIL (a zsh pattern).
  zsh_complete() { zsh -f "$TMP/drive.zsh" "$TMP/zfunc" "$SB $1" "$2" 2>&1; }
  out=$(zsh_complete '--ro-b' '*--ro-bind-try*')
  expect_match "zsh: --ro-b offers --ro-bind" '--ro-bind +--' "$out"
  expect_match "zsh: --ro-b offers --ro-bind-try" '--ro-bind-try +--' "$out"
  out=$(zsh_complete '--profile ' '*strict*')
  expect_match "zsh: --profile offers default" '(^|[[:space:]])default([[:space:]]|$)' "$out"
  expect_match "zsh: --profile offers strict" '(^|[[:space:]])strict([^-[:alnum:]_]|$)' "$out"
  out=$(zsh_complete '--cap-add CAP_NET_' '*CAP_NET_RAW*')
  expect_match "zsh: --cap-add CAP_NET_ offers CAP_NET_RAW" 'CAP_NET_RAW' "$out"
  out=$(zsh_complete '--syscalls @mo' '*@mount*')
  expect_match "zsh: --syscalls @mo offers @mount" '@mount' "$out"
fi

# ---- fish: complete -C.
if ! command -v fish >/dev/null 2>&1; then
  skip "fish not installed"
else
  fish_complete() {
    fish --no-config -c 'source $argv[1]; complete -C "$argv[2]"' "$FISHC" "$SB $1" 2>&1 | cut -f1
  }
  out=$(fish_complete '--ro-b')
  expect_match "fish: --ro-b offers --ro-bind" '^--ro-bind$' "$out"
  expect_match "fish: --ro-b offers --ro-bind-try" '^--ro-bind-try$' "$out"
  out=$(fish_complete '--profile ')
  expect_match "fish: --profile offers default" '^default$' "$out"
  expect_match "fish: --profile offers strict" '^strict$' "$out"
  out=$(fish_complete '--cap-add CAP_NET_')
  expect_match "fish: --cap-add CAP_NET_ offers CAP_NET_RAW" '^CAP_NET_RAW$' "$out"
  out=$(fish_complete '--syscalls @mo')
  expect_match "fish: --syscalls @mo offers @mount" '^@mount$' "$out"
  out=$(fish_complete "--syscall 'ptrace,mount_se")
  expect_match "fish: --syscall completes a syscall name" 'ptrace,mount_setattr$' "$out"
  out=$(fish_complete '--bind /usr /us')
  expect_match "fish: --bind DEST completes paths" '^/usr/$' "$out"
  out=$(fish_complete '--unshare-all -- --ro-b')
  expect_nomatch "fish: no options after --" '^--ro-bind' "$out"
fi

done_testing
