description Building block: entries writable binds keep read-only, secrets hidden
# Every writable bind of the run keeps these entries read-only: each is a
# direct child of the bind, a mount point that can be neither renamed,
# removed nor replaced. An absent .git is an empty directory (mode 0400)
# for the time of the run, so that none can be created; the others are
# protected where present (an editor or a hook runner only acts on them
# once the user opens the folder or has set them up). Why each one:
# sandbox-profile(5), PROTECTED ENTRIES.
protect .git
if-present protect .hg
if-present protect .vscode
if-present protect .idea
if-present protect .devcontainer
if-present protect .husky
if-present protect .githooks

# Start-up files of the home: protected wherever a writable bind reaches
# them (the home itself is never writable under the default profiles; a
# bind of ~/.config or ~/.local keeps these entries of it).
optional protect ${HOME}/.bashrc
optional protect ${HOME}/.bash_profile
optional protect ${HOME}/.bash_login
optional protect ${HOME}/.bash_logout
optional protect ${HOME}/.bash_aliases
optional protect ${HOME}/.profile
optional protect ${HOME}/.zshrc
optional protect ${HOME}/.zshenv
optional protect ${HOME}/.zprofile
optional protect ${HOME}/.zlogin
optional protect ${HOME}/.xprofile
optional protect ${HOME}/.xsessionrc
optional protect ${HOME}/.pam_environment
optional protect ${HOME}/.gitconfig
optional protect ${HOME}/.vimrc
optional protect ${HOME}/bin
optional protect ${HOME}/.local/bin
optional protect ${HOME}/.local/share/applications
optional protect ${HOME}/.config/autostart
optional protect ${HOME}/.config/systemd
optional protect ${HOME}/.config/environment.d
optional protect ${HOME}/.config/git
optional protect ${HOME}/.config/fish

# Secrets: hidden wherever the home is in reach (an empty read-only
# directory or file in their place; nothing where absent). --explain
# lists them.
optional mask ${HOME}/.ssh
optional mask ${HOME}/.gnupg
optional mask ${HOME}/.aws
optional mask ${HOME}/.azure
optional mask ${HOME}/.config/gcloud
optional mask ${HOME}/.kube
optional mask ${HOME}/.docker/config.json
optional mask ${HOME}/.netrc
optional mask ${HOME}/.git-credentials
optional mask ${HOME}/.config/gh
optional mask ${HOME}/.npmrc
optional mask ${HOME}/.pypirc
optional mask ${HOME}/.cargo/credentials
optional mask ${HOME}/.cargo/credentials.toml
optional mask ${HOME}/.local/share/keyrings
optional mask ${HOME}/.password-store
optional mask ${HOME}/.mozilla
optional mask ${HOME}/.config/google-chrome
optional mask ${HOME}/.config/chromium
# Credential stores of other common tools: git's XDG store, Vault,
# PostgreSQL, MySQL, registries (docker's old file, podman, rubygems,
# composer), Terraform Cloud, Hugging Face, rclone, s3cmd, boto, hub, the
# 1Password CLI, and the tokens of coding agents (which call sandbox).
optional mask ${HOME}/.config/git/credentials
optional mask ${HOME}/.vault-token
optional mask ${HOME}/.pgpass
optional mask ${HOME}/.my.cnf
optional mask ${HOME}/.dockercfg
optional mask ${HOME}/.config/containers/auth.json
optional mask ${HOME}/.gem/credentials
optional mask ${HOME}/.composer/auth.json
optional mask ${HOME}/.config/composer/auth.json
optional mask ${HOME}/.terraform.d/credentials.tfrc.json
optional mask ${HOME}/.cache/huggingface/token
optional mask ${HOME}/.huggingface/token
optional mask ${HOME}/.config/rclone/rclone.conf
optional mask ${HOME}/.s3cfg
optional mask ${HOME}/.boto
optional mask ${HOME}/.config/hub
optional mask ${HOME}/.config/op
optional mask ${HOME}/.claude/.credentials.json
optional mask ${HOME}/.codex/auth.json
