"""The ``archive`` console script: thin click wrappers over ``archive`` and ``index``."""
