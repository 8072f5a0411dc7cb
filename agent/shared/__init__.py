"""Helpers every layer may use: text cleaning, backoff, rate limits, model slots, the engine
registry, hub downloads, doctor checks and CLI support (the ground itself stays in agent/)."""
