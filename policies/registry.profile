description Builds that fetch dependencies: the build profile, network only to package registries
include build
# Only through the proxy (see --net-allow in sandbox(1)): names are
# checked before they are resolved, everything else gets a 403.
net-allow pypi.org
net-allow files.pythonhosted.org
net-allow registry.npmjs.org
net-allow crates.io
net-allow index.crates.io
net-allow static.crates.io
net-allow proxy.golang.org
net-allow sum.golang.org
net-allow rubygems.org
net-allow repo.maven.apache.org
net-allow repo1.maven.org
net-allow deb.debian.org
ro-bind-try /etc/ssl /etc/ssl
ro-bind-try /etc/ca-certificates /etc/ca-certificates
