"""All wiring: the runner and its stages, model loading, the demo, `run`, doctor and the CLI."""
