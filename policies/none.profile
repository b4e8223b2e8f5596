# Nothing: an empty root, as bwrap starts. The options after it build the
# sandbox, as on a bwrap command line; unlike a bwrap line under the bwrap
# name, it is a profile line: `sandbox --profile none -- ...` does not get
# the default profile.
description Nothing: an empty root, as bwrap starts; options after it build the sandbox
