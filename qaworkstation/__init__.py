"""QA Workstation: score call-center recordings against a monitoring standard, offline."""

__version__ = "0.1.0"
