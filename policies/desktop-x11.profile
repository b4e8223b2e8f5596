description GUI apps as desktop, plus the X11 display (its socket and cookie only)
include desktop

# The caller's display only, never /tmp/.X11-unix whole. Any X11 client
# can read every key typed into the display's other windows and inject
# its own: give it only to apps that need it.
x11
