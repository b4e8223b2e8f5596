description The default profile plus host networking, DNS and TLS certificates
include default
share-net
# /etc is bound whole by base-fs; resolv.conf may point into /run.
ro-bind-try /run/systemd/resolve /run/systemd/resolve
ro-bind-try /etc/ssl /etc/ssl
ro-bind-try /etc/ca-certificates /etc/ca-certificates
