"""A tiny Coqui VITS built in the test run (no weights download): for the Coqui engine's tests and bench."""

from __future__ import annotations

from pathlib import Path


def build_random_vits(folder: Path) -> Path:
    """A randomly initialised Mandarin VITS (espeak cmn-latn-pinyin phonemes): checkpoint + config.json.

    83M parameters of noise, but the real Coqui model class, saved and loaded the way a trained
    one is (bench/bench_tts.py times it too).
    """
    import torch
    from TTS.tts.configs.shared_configs import CharactersConfig
    from TTS.tts.configs.vits_config import VitsConfig
    from TTS.tts.models.vits import Vits
    from TTS.tts.utils.text.characters import IPAPhonemes

    phonemes = IPAPhonemes()
    config = VitsConfig(
        use_phonemes=True,
        phonemizer="espeak",
        phoneme_language="cmn-latn-pinyin",
        # The pinyin voice writes tones as digits: without them in the vocabulary they are dropped.
        characters=CharactersConfig(
            characters_class="TTS.tts.utils.text.characters.IPAPhonemes",
            characters=phonemes.characters + "12345",
            punctuations=phonemes.punctuations,
            pad=phonemes.pad,
            eos=phonemes.eos,
            bos=phonemes.bos,
            blank=phonemes.blank,
            is_unique=False,
            is_sorted=True,
        ),
    )
    torch.manual_seed(0)
    model = Vits(config)
    folder.mkdir(parents=True, exist_ok=True)
    torch.save({"model": model.state_dict()}, folder / "model.pth")
    config.save_json(str(folder / "config.json"))
    return folder / "model.pth"
