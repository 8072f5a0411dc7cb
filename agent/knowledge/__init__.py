"""What the co-host knows: the streamer's knowledge file, the live room's facts, viewers."""
