"""sentence-transformers (torch) embedder: the reference implementation; slower on CPU than ONNX."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from navigator.search.embedder import MAX_TOKENS


class TorchEmbedder:
    def __init__(self, model_path: Path, model_id: str) -> None:
        from sentence_transformers import SentenceTransformer

        self.model_id = model_id
        self.model = SentenceTransformer(str(model_path), device="cpu")
        self.model.max_seq_length = MAX_TOKENS
        self.dimensions = int(self.model.get_embedding_dimension() or 0)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        vectors = self.model.encode(texts, batch_size=16, normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]
