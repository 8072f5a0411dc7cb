"""The ears: the streamer's mic -> Silero VAD -> segmenter -> faster-whisper -> transcript events.

``capture`` (sounddevice, or a WAV played in real time), ``silero`` (the VAD
model), ``segmenter`` (pure: speech probabilities in, segments out), ``whisper``
(the transcriber, a blocking engine), ``models`` (where the Whisper model comes
from) and ``stage`` (wiring them into one bus stage with the echo guard).
"""
