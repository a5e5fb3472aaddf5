"""One module per classic example, named after the original script. Each reads top to bottom:
docstring, Config and PRESETS, Data, Model, Training, Sampling."""
