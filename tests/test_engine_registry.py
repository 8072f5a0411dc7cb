"""Every engine kind the same way: the union lists the engines, the registry builds them, each
describes itself, and `cohost doctor` asks the chosen engine instead of knowing any by name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated, ClassVar, Literal, get_args

import pytest
from pydantic import Field

from agent.config_llm import LlmConfig, LlmEngineConfig, LlmEngineName, OpenAILLM, TransformersLLM
from agent.config_speech import AsrConfig, AsrEngineConfig, AsrEngineName, Section, TtsEngineConfig
from agent.ears import registry as asr_registry
from agent.ears.base import AsrUnavailable
from agent.llm import registry as llm_registry
from agent.llm.base import EngineUnavailable
from agent.shared.checks import Check, EngineInfo
from agent.shared.registry import EngineRegistry, union_members
from agent.tts import registry as tts_registry
from tests.support.model_server import model_server

REPO = Path(__file__).resolve().parent.parent


def test_names_are_read_off_each_union_in_order() -> None:
    assert llm_registry.names() == get_args(LlmEngineName)
    assert asr_registry.names() == get_args(AsrEngineName)
    assert tts_registry.names() == tuple(
        m.model_fields["engine"].default for m in union_members(TtsEngineConfig)
    )


def kind_sections() -> list[tuple[str, object]]:
    llm = [
        ("llm", s(engine=n))
        for s, n in zip(union_members(LlmEngineConfig), llm_registry.names(), strict=True)
    ]
    asr = [
        ("asr", s(engine=n))
        for s, n in zip(union_members(AsrEngineConfig), asr_registry.names(), strict=True)
    ]
    return llm + asr


@pytest.mark.parametrize(("kind", "section"), kind_sections(), ids=lambda v: getattr(v, "engine", v))
def test_every_llm_and_asr_engine_builds_and_describes_itself_without_loading(
    kind: str, section: Section
) -> None:
    registry = llm_registry.REGISTRY if kind == "llm" else asr_registry.REGISTRY
    if section == TransformersLLM():  # no model named: a one-line fast failure with its fix
        with pytest.raises(EngineUnavailable, match=r"llm\.transformers\.model") as caught:
            registry.create(section)
        assert "hf download" in caught.value.fix
        section = TransformersLLM(model="zai-org/glm-edge-1.5b-chat")
    engine = registry.create(section)
    info = engine.info()
    assert isinstance(info, EngineInfo) and (info.name, info.kind) == (section.engine, kind)  # type: ignore[attr-defined]
    check = engine.check()
    assert isinstance(check, Check) and check.status in ("ok", "warn", "fail") and "\n" not in check.detail
    if check.status == "fail":
        assert check.fix, check


def test_an_unknown_or_unimportable_engine_is_one_line_listing_the_names() -> None:
    with pytest.raises(
        AsrUnavailable, match="unknown ASR engine 'klingon': choose one of faster_whisper, openai"
    ):
        asr_registry.REGISTRY.target("klingon")

    class Ghost(Section):
        engine: Literal["ghost"] = "ghost"

    class Elsewhere(Section):
        engine: Literal["elsewhere"] = "elsewhere"
        implementation: ClassVar[str] = "agent.ears.base:SAMPLE_RATE"

    union = Annotated[Ghost | Elsewhere, Field(discriminator="engine")]
    registry: EngineRegistry[object] = EngineRegistry("ASR", "agent.ears", union, AsrUnavailable)
    assert registry.names() == ("ghost", "elsewhere")
    assert registry.target("ghost") == (
        "agent.ears.ghost",
        "Engine",
    )  # the convention: module named as the engine
    with pytest.raises(AsrUnavailable, match=r"^ASR engine 'ghost' cannot be imported: No module named"):
        registry.create(Ghost())
    assert registry.target("elsewhere") == ("agent.ears.base", "SAMPLE_RATE")


def test_asr_none_is_refused_by_name() -> None:
    with pytest.raises(AsrUnavailable, match=r'asr\.engine = "none"'):
        asr_registry.create(AsrConfig(engine="none"))


# --- whisper's settings moved under [asr.faster_whisper] --------------------------


def test_old_flat_whisper_keys_still_mean_the_section() -> None:
    old = AsrConfig.model_validate({"model": "small", "beam_size": 5, "vad": {"threshold": 0.6}})
    assert (old.faster_whisper.model, old.faster_whisper.beam_size, old.vad.threshold) == ("small", 5, 0.6)
    new = AsrConfig.model_validate({"faster_whisper": {"model": "small", "hotwords": ["悟空"]}})
    assert new.faster_whisper.hotwords == ["悟空"] and new.faster_whisper.model == "small"
    # A flat key (an environment override, COHOST_ASR__MODEL) wins over the section's.
    both = AsrConfig.model_validate({"model": "tiny", "faster_whisper": {"model": "small", "beam_size": 3}})
    assert (both.faster_whisper.model, both.faster_whisper.beam_size) == ("tiny", 3)
    with pytest.raises(ValueError, match=r"faster_whisper\.beam_size"):
        AsrConfig.model_validate({"beam_size": 0})


# --- the doctor asks the chosen engine ---------------------------------------------


def test_doctor_with_an_openai_language_model_never_looks_for_torch_or_a_transformers_model() -> None:
    from agent.app import doctor

    llm = LlmConfig(engine="openai", openai=OpenAILLM(base_url="http://127.0.0.1:9/v1"))
    torch = doctor.check_torch(llm)
    assert torch.status == "ok" and torch.detail == "not needed (llm.engine = openai)"
    down = doctor.check_llm_model(llm)
    assert down.status == "warn" and "http://127.0.0.1:9/v1" in down.detail
    assert "llm.openai.base_url" in down.fix and "llm.transformers" not in down.detail + down.fix


async def test_doctor_reports_the_openai_server_it_finds() -> None:
    import asyncio

    from agent.app import doctor

    async with model_server() as server:
        llm = LlmConfig(engine="openai", openai=OpenAILLM(base_url=server.url))
        found = await asyncio.to_thread(doctor.check_llm_model, llm)
    assert found.status == "ok" and server.url in found.detail and "tiny" in found.detail
    assert server.requests == ["GET /v1/models"]


def test_cohost_doctor_with_an_openai_model_prints_no_transformers_advice(tmp_path: Path) -> None:
    cfg = tmp_path / "openai.toml"
    cfg.write_text(
        '[llm]\nengine = "openai"\n[llm.openai]\nbase_url = "http://127.0.0.1:9/v1"\n'
        '[tts]\nengine = "none"\n[asr]\nengine = "none"\n[audio]\noutput_device = "none"\n',
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("COHOST_")}
    done = subprocess.run(
        [sys.executable, "-m", "agent", "doctor", "--config", str(cfg)],
        cwd=tmp_path,
        env={**env, "COLUMNS": "200", "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    rows = {
        line[6:].split("  ")[0]: line
        for line in done.stdout.splitlines()
        if line[:4].strip() in ("ok", "warn", "fail")
    }
    assert rows["torch"].startswith("ok") and "not needed (llm.engine = openai)" in rows["torch"], done.stdout
    assert rows["llm model"].startswith("warn") and "127.0.0.1:9" in rows["llm model"], done.stdout
    assert "llm.transformers" not in done.stdout and "hf download" not in done.stdout
