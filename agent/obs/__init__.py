"""OBS integration: text sources over obs-websocket, `cohost obs-setup`."""
