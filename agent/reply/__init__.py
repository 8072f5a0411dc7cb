"""Saying a reply: generate -> split -> guard -> synthesize -> play, one ``Utterance`` at a time."""
