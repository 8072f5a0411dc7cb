"""Can a model be fetched from the Hugging Face hub (or the mirror in HF_ENDPOINT) right now?

Asked once, with a short timeout, before a download: offline, the hub client would retry for
about a minute, line after line; this says it in one line, with the ways round it.
"""

from __future__ import annotations

PROBE_TIMEOUT_S = 5.0


def unreachable(model_id: str, timeout_s: float = PROBE_TIMEOUT_S) -> str | None:
    """None when the hub answers (any HTTP status); else the one line to tell the streamer."""
    import httpx
    from huggingface_hub import constants

    endpoint = constants.ENDPOINT.rstrip("/")
    try:
        httpx.head(f"{endpoint}/api/models/{model_id}", timeout=timeout_s, follow_redirects=False)
    except httpx.HTTPError as exc:
        reason = type(exc).__name__
        return (
            f"model '{model_id}' is not downloaded and {endpoint} cannot be reached ({reason}): "
            f"download it where there is internet (`hf download {model_id} --local-dir DIR`, or from "
            f"ModelScope: `modelscope download --model {model_id} --local_dir DIR`) and set "
            "llm.transformers.model to DIR, or set HF_ENDPOINT to a mirror you can reach"
        )
    return None
