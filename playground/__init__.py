"""Banana Split: compare Google's image models on AI Studio and Vertex AI."""

__version__ = "0.1.0"
