description Building block: secret-looking variables of the caller stay outside
# Names with TOKEN, SECRET, PASSWORD, PASSWD, PASSPHRASE or CREDENTIAL
# anywhere, KEY, KEYS, APIKEY, AUTH, PAT, JWT, DSN or WEBHOOK as a word
# (API_KEY, GH_PAT, SENTRY_DSN; not KEYBOARD), AWS_*, agent sockets
# (SSH_AUTH_SOCK, GPG_AGENT_INFO), credential caches (KRB5CCNAME),
# password manager sessions (BW_SESSION) and DATABASE_URL: a command that can read them can send them wherever
# the sandbox reaches. Keep one by name with "keep-env NAME" (or
# --keep-env NAME); --explain lists what is left out, by name.
drop-secret-env
