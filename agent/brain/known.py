"""Questions chat is known to ask, each in several phrasings: a bridge between two phrasings
the small model scores far apart.

multilingual-e5-small puts many real paraphrases of chat far apart (主播有没有一米八 / 主播多高
0.38, 怎么获得粉丝勋章 / 灯牌咋点亮 0.16), yet each is close to some phrasing of a question
it has seen asked another way. ``KnownQuestions`` holds the labelled paraphrase clusters of
the tuning sets (``agent/data/fold_clusters.txt``, written by ``tests/data/
train_fold_model.py``: one cluster a line, its phrasings separated by `` | ``); a text's
``profile`` is, per cluster, the cosine of its nearest phrasing. Two texts close to one
cluster (``bridge``: how far the best cluster's lower cosine is above ``NEAR``) are likely
one question, even when their own cosine is low; two texts each nearer a cluster of its own
than any they share (``apart``) are likely two. Both are signals of the learned pair
decision (``fold_model.py``), weighed against the cosine, the slots and the vetoes, so a
bridge never folds a look-alike the words tell apart.

The phrasings are embedded once, when the meaning model loads (their raw vectors are
shipped beside them in ``fold_clusters.npy`` and checked against the model; embedded
afresh when they do not match). Per question: one product with the bank and a maximum per
cluster.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

__all__ = ["CLUSTERS_FILE", "KnownQuestions", "bridge", "raw_vectors", "read_clusters"]

CLUSTERS_FILE = Path(__file__).resolve().parent.parent / "data" / "fold_clusters.txt"
Vectors = npt.NDArray[np.float32]


def read_clusters(path: Path = CLUSTERS_FILE) -> list[list[str]]:
    """The clusters of ``path``: one a line, phrasings separated by `` | ``; ``#`` comments."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [
        [p.strip() for p in line.split(" | ") if p.strip()] for line in lines if not line.startswith("#")
    ]
    return [cluster for cluster in found if len(cluster) >= 2]


def raw_vectors(
    clusters: Sequence[Sequence[str]], embed: Callable[[list[str]], Vectors], path: Path | None = None
) -> Vectors:
    """The raw embeddings of every phrasing, in order: read from ``path`` (``.npy``) when it
    holds them for this model (same count, its first row what ``embed`` gives now), else
    embedded here."""
    texts = [text for cluster in clusters for text in cluster]
    if path is not None and path.exists():
        stored = np.load(path).astype(np.float32)
        if len(stored) == len(texts) and len(texts):
            probe = np.asarray(embed(texts[:1]), dtype=np.float32)[0]
            if float(np.abs(stored[0] - probe).max()) < 2e-2:
                return stored
    return np.asarray(embed(texts), dtype=np.float32).reshape(len(texts), -1)


@dataclass(frozen=True, slots=True)
class KnownQuestions:
    """Centred unit vectors of the known phrasings, and where each cluster starts."""

    vectors: Vectors  # (phrasings, dim)
    starts: npt.NDArray[np.intp]  # the first row of each cluster

    @classmethod
    def of(cls, clusters: Sequence[Sequence[str]], vectors: Vectors) -> KnownQuestions:
        sizes = [len(cluster) for cluster in clusters]
        starts = np.cumsum([0, *sizes[:-1]]).astype(np.intp)
        return cls(vectors, starts)

    def profile(self, vectors: Vectors) -> Vectors:
        """Per cluster, the cosine of a vector (centred, unit) with its nearest phrasing; of
        a matrix of them, one such row per vector."""
        if not len(self.starts):
            return np.zeros((*vectors.shape[:-1], 0), dtype=np.float32)
        return np.maximum.reduceat(vectors @ self.vectors.T, self.starts, axis=-1).astype(np.float32)


# Under this cosine a text is near no known question in particular (every question is
# about that near some cluster of stream chat): no bridge.
NEAR = 0.6


def bridge(a: Vectors, b: Vectors) -> tuple[float, float]:
    """(bridge, apart) of two profiles, each 0..1: how far above ``NEAR`` the best cluster
    both are near lies (its lower cosine), and how much nearer each is to a cluster of its
    own than to any they share (the lower of the two gaps)."""
    if not len(a):
        return 0.0, 0.0
    both = float(np.minimum(a, b).max())
    own = float(min(a.max(), b.max()))
    return max(both - NEAR, 0.0) / (1.0 - NEAR), min(max(own - both, 0.0), 1.0)
