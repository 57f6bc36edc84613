"""Tables and plots from results/: pandas loaders, one module per table or figure."""
