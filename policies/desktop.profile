description GUI apps: Wayland/X11/PipeWire/PulseAudio, GPU, fonts and themes, private home, network
include base-fs
include base-syscalls

unshare-all
share-net
die-with-parent
new-session
cap-drop ALL

# A private, empty home.
tmpfs ${HOME}
setenv HOME ${HOME}
chdir ${HOME}

# Display and sound sockets, when the session has them.
optional ro-bind-try ${XDG_RUNTIME_DIR}/${WAYLAND_DISPLAY} /run/user/${UID}/${WAYLAND_DISPLAY}
optional setenv WAYLAND_DISPLAY ${WAYLAND_DISPLAY}
ro-bind-try /tmp/.X11-unix /tmp/.X11-unix
optional setenv DISPLAY ${DISPLAY}
optional ro-bind-try ${XAUTHORITY} ${XAUTHORITY}
optional setenv XAUTHORITY ${XAUTHORITY}
optional ro-bind-try ${XDG_RUNTIME_DIR}/pipewire-0 /run/user/${UID}/pipewire-0
optional ro-bind-try ${XDG_RUNTIME_DIR}/pulse /run/user/${UID}/pulse
optional ro-bind-try ${XDG_RUNTIME_DIR}/bus /run/user/${UID}/bus
optional setenv DBUS_SESSION_BUS_ADDRESS unix:path=/run/user/${UID}/bus

# GPU.
dev-bind-try /dev/dri /dev/dri

# Fonts and themes, read-only.
ro-bind-try /usr/share/fonts /usr/share/fonts
optional ro-bind-try ${HOME}/.local/share/fonts ${HOME}/.local/share/fonts
optional ro-bind-try ${HOME}/.config/fontconfig ${HOME}/.config/fontconfig
optional ro-bind-try ${HOME}/.themes ${HOME}/.themes
optional ro-bind-try ${HOME}/.icons ${HOME}/.icons
optional ro-bind-try ${HOME}/.config/gtk-3.0 ${HOME}/.config/gtk-3.0

# The caller's secret-looking variables stay outside.
include base-env
