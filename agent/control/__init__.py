"""The local control API (mute, skip, reset, say, status, metrics) and the overlay it serves."""
