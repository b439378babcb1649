"""Qt widgets that call the core and render its results."""
