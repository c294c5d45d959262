"""Neighbourhood Navigator: a community asset directory and navigation chatbot."""

__version__ = "0.1.0"
