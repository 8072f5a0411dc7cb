"""The pure segmenter on synthetic timelines: exact times, exact audio, no model and no clock."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.config_speech import VadConfig
from agent.ears.segmenter import SAMPLE_RATE, Segmenter, SpeechEnded, SpeechStarted

CHUNK = 512  # 32 ms, what Silero scores
CHUNK_S = CHUNK / SAMPLE_RATE


def timeline(pattern: list[tuple[float, float]], chunk: int = CHUNK) -> list[tuple[np.ndarray, float]]:
    """(seconds, probability) runs -> chunks whose samples are their own index on the timeline."""
    out = []
    at = 0
    for seconds, prob in pattern:
        for _ in range(round(seconds * SAMPLE_RATE / chunk)):
            out.append((np.arange(at, at + chunk, dtype=np.float32), prob))
            at += chunk
    return out


def run(seg: Segmenter, chunks: list[tuple[np.ndarray, float]], *, flush: bool = True) -> list:
    events = []
    for samples, prob in chunks:
        events.extend(seg.process(samples, prob))
    if flush:
        events.extend(seg.flush())
    return events


def assert_exact_audio(ended: SpeechEnded) -> None:
    """The segment's audio is exactly the timeline between its start and end."""
    first, count = round(ended.start * SAMPLE_RATE), round((ended.end - ended.start) * SAMPLE_RATE)
    np.testing.assert_array_equal(ended.audio, np.arange(first, first + count, dtype=np.float32))


VAD = VadConfig(threshold=0.5, min_speech_s=0.15, min_silence_s=0.6, max_segment_s=15.0, pre_roll_s=0.3)


def test_speech_starts_at_its_onset_and_ends_after_the_silence() -> None:
    seg = Segmenter(VAD)
    chunks = timeline([(1.024, 0.0), (2.048, 0.9), (1.024, 0.0)])
    events = []
    started_at_chunk = None
    for i, (samples, prob) in enumerate(chunks):
        new = seg.process(samples, prob)
        if any(isinstance(e, SpeechStarted) for e in new):
            started_at_chunk = i
        events.extend(new)
    started, ended = events
    assert isinstance(started, SpeechStarted) and isinstance(ended, SpeechEnded)
    assert started.t == pytest.approx(1.024)  # dated at the onset, not when it was confirmed
    # Announced as soon as min_speech_s of speech was heard: 5 chunks of 32 ms >= 0.15 s.
    assert started_at_chunk == 32 + 4
    assert ended.start == pytest.approx(1.024 - 0.3, abs=CHUNK_S)  # the pre-roll
    assert ended.end == pytest.approx(3.072 + 0.3, abs=1e-9)  # speech end + the same pad
    assert ended.t == pytest.approx(3.072 + 0.608, abs=CHUNK_S)  # closed after min_silence_s
    assert not ended.cut
    assert_exact_audio(ended)
    assert not seg.speaking


def test_a_blip_shorter_than_min_speech_is_not_speech() -> None:
    seg = Segmenter(VAD)
    assert run(seg, timeline([(0.5, 0.0), (0.096, 1.0), (0.5, 0.0), (0.096, 1.0), (0.5, 0.0)])) == []


def test_a_pause_shorter_than_min_silence_keeps_one_segment() -> None:
    seg = Segmenter(VAD)
    events = run(seg, timeline([(0.5, 0.0), (1.0, 0.9), (0.4, 0.0), (1.0, 0.9), (1.0, 0.0)]))
    assert [type(e) for e in events] == [SpeechStarted, SpeechEnded]


def test_hysteresis_keeps_a_quiet_tail_in_the_segment() -> None:
    seg = Segmenter(VAD)
    # 0.4 is below the threshold (0.5) but above threshold - 0.15: still speech once speaking...
    events = run(seg, timeline([(0.5, 0.0), (0.5, 0.9), (1.0, 0.4), (1.0, 0.0)]))
    assert [type(e) for e in events] == [SpeechStarted, SpeechEnded]
    assert events[1].end == pytest.approx(0.5 + 0.5 + 1.0 + 0.3, abs=CHUNK_S)
    # ...but not enough to start speaking.
    assert run(Segmenter(VAD), timeline([(2.0, 0.4)])) == []


def test_pre_roll_stops_at_the_start_of_the_timeline() -> None:
    seg = Segmenter(VAD)
    started, ended = run(seg, timeline([(0.064, 0.0), (1.0, 0.9), (1.0, 0.0)]))
    assert started.t == pytest.approx(0.064)
    assert ended.start == 0.0
    assert_exact_audio(ended)


def test_a_long_monologue_is_cut_at_max_segment_and_goes_on() -> None:
    seg = Segmenter(VAD.model_copy(update={"max_segment_s": 2.0}))
    events = run(seg, timeline([(0.5, 0.0), (5.0, 0.9), (1.0, 0.0)]))
    kinds = [(type(e).__name__, getattr(e, "cut", None)) for e in events]
    assert kinds == [
        ("SpeechStarted", None),
        ("SpeechEnded", True),
        ("SpeechEnded", True),
        ("SpeechEnded", False),
    ]
    parts = events[1:]
    for before, after in itertools.pairwise(parts):
        assert after.start == pytest.approx(before.end)  # back to back: nothing lost, nothing twice
    for part in parts:
        assert part.end - part.start <= 2.0 + CHUNK_S
        assert_exact_audio(part)


def test_a_cut_inside_the_closing_pause_hands_over_no_audio() -> None:
    seg = Segmenter(VAD.model_copy(update={"max_segment_s": 1.0, "pre_roll_s": 0.0}))
    events = run(seg, timeline([(0.992, 0.9), (0.992, 0.0)]))
    ended = [e for e in events if isinstance(e, SpeechEnded)]
    assert ended[0].cut and len(ended[0].audio) > 0
    assert not ended[-1].cut and len(ended[-1].audio) == 0  # only pause since the cut


def test_flush_ends_a_segment_in_progress_and_is_idle_safe() -> None:
    seg = Segmenter(VAD)
    assert seg.flush() == []
    events = run(seg, timeline([(0.5, 0.0), (1.0, 0.9)]), flush=False)
    assert [type(e) for e in events] == [SpeechStarted]
    (ended,) = seg.flush()
    assert isinstance(ended, SpeechEnded) and not ended.cut
    assert ended.end == pytest.approx(seg.now)  # still speaking: everything up to now
    assert_exact_audio(ended)
    assert seg.flush() == []


def test_bool_flags_work_like_probabilities() -> None:
    seg = Segmenter(VAD)
    events = []
    for samples, prob in timeline([(0.5, 0.0), (1.0, 1.0), (1.0, 0.0)]):
        events.extend(seg.process(samples, float(prob > 0.5)))
    assert [type(e) for e in events] == [SpeechStarted, SpeechEnded]


runs = st.lists(
    st.tuples(st.integers(min_value=1, max_value=60), st.sampled_from([0.0, 0.2, 0.4, 0.6, 1.0])),
    min_size=1,
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(
    pattern=runs,
    chunk=st.sampled_from([160, 512, 1600]),
    min_speech=st.sampled_from([0.03, 0.15, 0.5]),
    min_silence=st.sampled_from([0.05, 0.3, 1.0]),
    max_segment=st.sampled_from([1.0, 3.0]),
    pre_roll=st.sampled_from([0.0, 0.3, 1.0]),
)
def test_invariants_on_random_timelines(
    pattern: list[tuple[int, float]],
    chunk: int,
    min_speech: float,
    min_silence: float,
    max_segment: float,
    pre_roll: float,
) -> None:
    cfg = VadConfig(
        min_speech_s=min_speech, min_silence_s=min_silence, max_segment_s=max_segment, pre_roll_s=pre_roll
    )
    seg = Segmenter(cfg)
    chunks = timeline([(n * chunk / SAMPLE_RATE, p) for n, p in pattern], chunk=chunk)
    events = run(seg, chunks)
    total = len(chunks) * chunk / SAMPLE_RATE
    speaking = False
    last_end = 0.0
    for event in events:
        if isinstance(event, SpeechStarted):
            assert not speaking  # starts and ends alternate; cuts only happen while speaking
            speaking = True
            assert 0 <= event.t <= total
            continue
        assert speaking
        speaking = event.cut
        assert 0 <= event.start <= event.end <= event.t <= total
        assert event.start >= last_end - 1e-9  # segments never overlap
        assert event.end - event.start <= max_segment + chunk / SAMPLE_RATE + 1e-9
        if len(event.audio):
            assert_exact_audio(event)
        last_end = event.end
    assert not speaking  # flush always closes
