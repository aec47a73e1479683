"""NN Playground: JSON run specs trained with PyTorch."""

__version__ = "0.1.0"
