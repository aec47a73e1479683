"""The pure ML core: specs, shape inference, model building, data sets, training.

Nothing here imports web or database code.
"""
