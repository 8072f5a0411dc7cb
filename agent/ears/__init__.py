"""The ears: the streamer's mic -> Silero VAD -> segmenter -> an ASR engine -> transcript events.

``capture`` (sounddevice, or a WAV played in real time), ``silero`` (the VAD
model), ``segmenter`` (pure: speech probabilities in, segments out), ``base``
(what an ASR engine is, and the text rules they share), ``registry`` (the engine
``asr.engine`` names, built from its ``[asr.<engine>]`` section), the engines
``whisper`` (faster-whisper on this PC; ``models``: where its model comes from)
and ``openai_asr`` (an OpenAI-compatible speech-to-text server), and ``stage``
(wiring them into one bus stage with the echo guard; it awaits its model's slot).
"""
