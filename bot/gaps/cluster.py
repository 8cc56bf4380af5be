"""Grouping question vectors by meaning: average-linkage agglomerative clustering on cosine distance.

scikit-learn is imported when grouping runs, never when the command line starts.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

# Groups (multilingual-e5-small vectors, questions embedded as "query: ...") merge while their average
# cosine distance stays below this. On bench/gaps_bench.py's synthetic set (40 topics, English and
# German) the adjusted Rand index peaks at 0.12-0.13 (0.61-0.63); 0.16 already merges most topics.
# Embedded as passages the best is 0.52. Density clustering (HDBSCAN) scored 0.26-0.36 there.
THRESHOLD = 0.12


def cluster(vectors: npt.NDArray[np.float32], threshold: float = THRESHOLD) -> npt.NDArray[np.int64]:
    """A group label per row (rows are unit vectors); labels are 0..k-1, the largest group first."""
    n = len(vectors)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if n == 1:
        return np.zeros(1, dtype=np.int64)
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                    distance_threshold=threshold)
    raw = np.asarray(model.fit_predict(vectors), dtype=np.int64)
    sizes = np.bincount(raw)
    order = np.argsort(-sizes, kind="stable")
    relabel = np.empty_like(order)
    relabel[order] = np.arange(len(order))
    out: npt.NDArray[np.int64] = relabel[raw]
    return out


def central(vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.int64]:
    """Row indices ordered by closeness to the group's mean direction (the most typical first)."""
    mean = vectors.mean(axis=0)
    norm = float(np.linalg.norm(mean)) or 1.0
    order: npt.NDArray[np.int64] = np.argsort(-(vectors @ (mean / norm)), kind="stable")
    return order
