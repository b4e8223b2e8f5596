# What sandbox --learn runs the command under when no --profile is given:
# enough for the program to show what it needs, which the learned profile
# then grants one path at a time. --learn adds the network: a proxy that
# lets every name through and logs it (see --net-allow).
description Learning runs (--learn): the system profile, your home read-only, the working directory

include system

# The home, read-only, so that the program can show what it reads there
# (its secrets stay hidden: base-protect).
optional ro-bind-try ${HOME} ${HOME}

# The working directory, read-write, and the command starts there.
overlay-home bind ${CWD} ${CWD}
chdir ${CWD}
