"""The Qt-free core: everything the app does, callable from the command line, the tests and the window."""
