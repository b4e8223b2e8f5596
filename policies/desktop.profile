description GUI apps: Wayland, PulseAudio, GPU, fonts, portals through a filtered bus, private home, network
include base-fs
include base-syscalls

unshare-all
share-net
die-with-parent
new-session
cap-drop ALL

# A private, empty home ("app NAME" or --app NAME: a persistent one).
tmpfs ${HOME}
setenv HOME ${HOME}
chdir ${HOME}
setenv XDG_CONFIG_HOME ${HOME}/.config
setenv XDG_DATA_HOME ${HOME}/.local/share
setenv XDG_CACHE_HOME ${HOME}/.cache

# Wayland and PulseAudio, when the session has them. X11 only with the
# "x11" line (the desktop-x11 profile): any X11 client can read and inject
# the input of the display's other clients. PipeWire (camera, screen
# capture) only with the "pipewire" line.
optional ro-bind-try ${XDG_RUNTIME_DIR}/${WAYLAND_DISPLAY} /run/user/${UID}/${WAYLAND_DISPLAY}
optional setenv WAYLAND_DISPLAY ${WAYLAND_DISPLAY}
optional ro-bind-try ${XDG_RUNTIME_DIR}/pulse /run/user/${UID}/pulse
unsetenv DISPLAY
unsetenv XAUTHORITY

# The session bus, never as it is: through xdg-dbus-proxy, which lets the
# command reach the portals and nothing else (not the service manager,
# whose StartTransientUnit runs any command outside; not the secrets
# service; no name of its own but its app's). Add names with dbus-talk,
# dbus-own, dbus-see, dbus-call, dbus-broadcast lines. No system bus.
unsetenv DBUS_SESSION_BUS_ADDRESS
unsetenv DBUS_SYSTEM_BUS_ADDRESS
dbus-talk org.freedesktop.portal.Desktop
dbus-talk org.freedesktop.portal.Documents
dbus-broadcast org.freedesktop.portal.*=@/org/freedesktop/portal/*

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
