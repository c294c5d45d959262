"""ONNX Runtime embedder: the packaged sentence-transformers model exported locally once, then run
with `tokenizers` directly. Same vectors as torch (cosine 1.0000) at ~3x the query speed on CPU.

The export (mean pooling and normalisation included in the graph) is cached under
DATA_DIR/models/<name>-<fingerprint>/model.onnx, so only the first start pays the ~2 s (and the torch
import). Padding is per batch and truncation at 256 tokens: the packaged tokenizer.json pads every
input to 128, which makes a query ~5x dearer and cuts listings short.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import tempfile
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from navigator.search.embedder import MAX_TOKENS, EmbedderError

# Documents go in small batches of similar token counts, one single-threaded session per core
# working through them side by side: on 2 cores that beat one two-threaded session on batches of
# 16 by ~1.3x (less padding, no thread hand-offs inside each small matrix product);
# bench/embed_throughput.py --only parallel.
BATCH = 8


def model_fingerprint(model_path: Path) -> str:
    """Cheap identity of a model folder: config + tokenizer content and the weights' size and mtime."""
    digest = hashlib.sha256(str(model_path.resolve()).encode())
    for name in ("config.json", "tokenizer.json", "modules.json"):
        file = model_path / name
        if file.is_file():
            digest.update(file.read_bytes())
    for weights in sorted(model_path.glob("*.safetensors")) + sorted(model_path.glob("*.bin")):
        stat = weights.stat()
        digest.update(f"{weights.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def export_onnx(model_path: Path, target: Path) -> None:
    """Export transformer + mean pooling + L2 normalisation to one ONNX graph, atomically."""
    import torch
    from transformers import AutoModel

    class _Pooled(torch.nn.Module):
        def __init__(self, encoder: Any) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    encoder = AutoModel.from_pretrained(str(model_path), attn_implementation="eager")
    encoder.eval()
    module = _Pooled(encoder)
    dummy = torch.ones((2, 8), dtype=torch.long)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        tmp_file = Path(tmp) / "model.onnx"
        # The tracer warns about shape-dependent branches that are constant for this graph (the key
        # length always equals the mask length); the vectors are checked against torch in the tests.
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                module,
                (dummy, dummy, torch.zeros_like(dummy)),
                str(tmp_file),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["embedding"],
                dynamic_axes={
                    "input_ids": {0: "batch", 1: "seq"},
                    "attention_mask": {0: "batch", 1: "seq"},
                    "token_type_ids": {0: "batch", 1: "seq"},
                    "embedding": {0: "batch"},
                },
                opset_version=17,
                dynamo=False,
            )
        _optimise_in_place(tmp_file, encoder.config)
        os.replace(tmp_file, target)


def _optimise_in_place(path: Path, config: Any) -> None:
    """Fuse attention/layer-norm/GELU with ONNX Runtime's BERT optimiser: measured ~15% more listings/s
    and ~30% faster queries on AVX2, vectors equal to 1e-6. Skipped silently if the optimiser fails."""
    try:
        from onnxruntime.transformers import optimizer

        optimised = optimizer.optimize_model(
            str(path), model_type="bert", num_heads=config.num_attention_heads, hidden_size=config.hidden_size
        )
        optimised.save_model_to_file(str(path))
    except Exception:  # noqa: S110 - the plain export is correct, only slower
        pass


def quantise_int8(
    source: Path,
    target: Path,
    ops: list[str] | tuple[str, ...] = ("MatMul", "Attention"),
    per_channel: bool = True,
    reduce_range: bool = True,
) -> None:
    """Dynamic int8 quantisation of the weights of `ops` (activations stay float): every projection
    of the fused graph, the attention's Q/K/V included (MatMul alone left a quarter of the work in
    fp32: 1.1x instead of 1.6x fp32's speed here). On CPUs without
    VNNI (this one: AVX2 only) ONNX Runtime's u8s8 kernels can saturate, which `reduce_range`
    (7-bit weights) avoids. Only for use where the dev-set quality has been shown to hold."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        tmp_file = Path(tmp) / "model.onnx"
        quantize_dynamic(
            str(source),
            str(tmp_file),
            op_types_to_quantize=list(ops),
            per_channel=per_channel,
            reduce_range=reduce_range,
            weight_type=QuantType.QInt8,
            # The fused graph's contrib ops (Attention, SkipLayerNorm) defeat ONNX shape inference;
            # every tensor here is float.
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
        os.replace(tmp_file, target)


def _session(path: Path, threads: int, spinning: bool = False) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spinning else "0")
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


QUANTISED = "int8"


class OnnxEmbedder:
    """Two sessions over one model file, both on up to 2 threads. Queries run with spinning off:
    idle spinning threads steal the CPU from the numpy/faiss search that follows (measured 3.6 →
    6.6 ms), and one thread instead of two made a 27-token query 10.4 ms instead of 6.2 on a calm
    machine. Documents run on one single-threaded session per thread, made on first use.

    `variant="int8"` runs a dynamically quantised copy (int8 MatMul and Attention weights, per
    channel, 7-bit for CPUs without VNNI), made from the fp32 export on first use. Its vectors
    differ from fp32, so its model id differs too (`+int8`): cached and indexed apart."""

    def __init__(
        self,
        model_path: Path,
        model_id: str,
        cache_dir: Path,
        threads: int | None = None,
        variant: str = "fp32",
    ) -> None:
        from tokenizers import Tokenizer

        if variant not in ("fp32", QUANTISED):
            raise EmbedderError(f"Unknown ONNX variant {variant!r}: use 'fp32' or '{QUANTISED}'.")
        self.model_id = model_id
        self.variant = variant
        config = json.loads((model_path / "config.json").read_text())
        self.dimensions = int(config["hidden_size"])
        tokenizer_file = model_path / "tokenizer.json"
        if not tokenizer_file.is_file():
            raise EmbedderError(f"{model_path} has no tokenizer.json; the ONNX backend needs one.")
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.unpadded = Tokenizer.from_str(self.tokenizer.to_str())  # documents: padded per batch here
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 - pads to the longest in each batch
        target = cache_dir / f"{model_path.name}-{model_fingerprint(model_path)}" / "model.onnx"
        if not target.is_file():
            try:
                export_onnx(model_path, target)
            except Exception as exc:
                raise EmbedderError(
                    f"Could not export {model_path} to ONNX ({exc}). "
                    "Set NAVIGATOR_EMBEDDING_BACKEND=torch to use the model through torch instead."
                ) from exc
        if variant == QUANTISED:
            quantised = target.with_name("model-int8.onnx")
            if not quantised.is_file() or quantised.stat().st_mtime < target.stat().st_mtime:
                quantise_int8(target, quantised)  # made from this export (a newer export remakes it)
            target = quantised
        self.onnx_path = target
        self.threads = threads or min(2, os.cpu_count() or 1)
        self.session = _session(target, self.threads)
        self.document_sessions: queue.SimpleQueue[Any] | None = None

    def _run(self, texts: list[str], session: Any = None) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        return self._infer(ids, mask, session or self.session)

    @staticmethod
    def _infer(ids: np.ndarray, mask: np.ndarray, session: Any) -> np.ndarray:
        out = session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )
        return np.asarray(out[0], dtype=np.float32)

    def _document_sessions(self) -> queue.SimpleQueue[Any]:
        if self.document_sessions is None:
            self.document_sessions = queue.SimpleQueue()
            for _ in range(self.threads):
                self.document_sessions.put(_session(self.onnx_path, 1))
        return self.document_sessions

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        result = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        if not texts:
            return result
        token_ids = [e.ids for e in self.unpadded.encode_batch(texts)]
        # Sorted by token count, each batch pads to almost nothing; rows go back in input order.
        order = sorted(range(len(texts)), key=lambda i: len(token_ids[i]))
        chunks = [order[start : start + BATCH] for start in range(0, len(order), BATCH)]
        sessions = self._document_sessions()

        def embed(chunk: list[int]) -> None:
            width = max(len(token_ids[i]) for i in chunk)
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, i in enumerate(chunk):
                ids[row, : len(token_ids[i])] = token_ids[i]
                mask[row, : len(token_ids[i])] = 1
            session = sessions.get()  # each session is run by one thread at a time
            try:
                result[chunk] = self._infer(ids, mask, session)
            finally:
                sessions.put(session)

        if self.threads == 1 or len(chunks) == 1:
            for chunk in chunks:
                embed(chunk)
        else:
            with ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="embed") as pool:
                list(pool.map(embed, chunks))  # ONNX Runtime releases the GIL while it runs
        return result

    def embed_query(self, text: str) -> np.ndarray:
        return self._run([text])[0]
