"""/metrics from the real runtime: every bus drop (per queue and type) and every filter reason is a
labelled counter, and no family is lost to a name clash (``cohost_replies_total`` was)."""

from __future__ import annotations

from pathlib import Path

from agent.app.assemble import build_pipeline
from agent.clock import Clock
from agent.config import AsrConfig, AudioConfig, Config, ControlConfig, LlmConfig, TtsConfig
from agent.control.metrics import render
from agent.events import Danmaku, Filtered, UtteranceDone
from agent.vocabulary import FilterReason


async def test_drops_filter_reasons_and_reply_counts_all_reach_metrics(tmp_path: Path) -> None:
    cfg = Config(
        llm=LlmConfig(engine="template"),
        tts=TtsConfig(engine="none"),
        asr=AsrConfig(engine="none"),
        audio=AudioConfig(output_device="none"),
        control=ControlConfig(enabled=False),
    )
    pipeline = await build_pipeline(cfg, Clock(), [], out_dir=tmp_path)
    small = pipeline.bus.subscribe("slow-follower", accepts={"danmaku"}, maxsize=2)
    for i in range(5):
        pipeline.bus.publish(Danmaku(uid=str(i), uname="v", text=f"{i}"))
    for reason in FilterReason:
        pipeline.stats.observe(Filtered(of="danmaku", reason=reason))
    pipeline.stats.observe(Filtered(of="gift", reason=FilterReason.OVERFLOW))
    pipeline.stats.observe(UtteranceDone(utterance_id=1, outcome="spoken", text="好"))
    pipeline.stats.observe(UtteranceDone(utterance_id=2, outcome="failed"))

    lines = render(pipeline.counters(), pipeline.status()).splitlines()
    declared = [line.split(" ")[2] for line in lines if line.startswith("# TYPE ")]
    assert len(declared) == len(set(declared))  # no family written twice
    samples = set(lines)
    assert 'cohost_queue_dropped_total{queue="slow-follower",type="danmaku"} 3.0' in samples
    assert 'cohost_events_dropped_total{type="danmaku"} 3.0' in samples
    for reason in FilterReason:
        assert f'cohost_filtered_total{{of="danmaku",reason="{reason}"}} 1.0' in samples
    assert 'cohost_filtered_total{of="gift",reason="overflow"} 1.0' in samples
    assert 'cohost_reply_outcomes_total{outcome="spoken"} 1.0' in samples
    assert 'cohost_reply_outcomes_total{outcome="failed"} 1.0' in samples
    assert "cohost_replies_total 1" in samples  # replies started, from /api/status
    assert pipeline.status()["filtered_by_reason"]["overflow"] == 2
    assert len(small) == 2
