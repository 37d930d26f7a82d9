"""Arrow record batches <-> the local engine's arrays, for functions run on each partition.

Spark hands Python workers Arrow batches (`mapInArrow`); the local engine's
functions take TokenTables, CSR matrices and numpy arrays. These
conversions are the only glue: a batch's token lists become a TokenTable with
the batch's own vocabulary, an ML vector column becomes a CSR matrix with the
corpus' global columns, and back. No pyspark import here: the functions run
on the workers and are tested without a JVM.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from ..tokens import TokenTable

SPARSE, DENSE = 0, 1  # the `type` field of Spark ML's vector struct
VECTOR_STRUCT = pa.struct([
    pa.field("type", pa.int8(), nullable=False),
    pa.field("size", pa.int32()),
    pa.field("indices", pa.list_(pa.field("element", pa.int32(), nullable=False))),
    pa.field("values", pa.list_(pa.field("element", pa.float64(), nullable=False))),
])


def column(batch: pa.RecordBatch, name: str) -> pa.Array:
    return batch.column(batch.schema.get_field_index(name))


def token_table(lists: pa.Array, breaks: pa.Array | None = None) -> TokenTable:
    """A list<string> column (and its list<bool> phrase ends) as a TokenTable with this batch's own vocabulary."""
    lists = pc.fill_null(lists, pa.scalar([], type=lists.type)) if lists.null_count else lists
    offsets = np.asarray(lists.offsets, dtype=np.int64)
    offsets = offsets - offsets[0]
    flat = lists.flatten()
    ends = None
    if breaks is not None:
        breaks = pc.fill_null(breaks, pa.scalar([], type=breaks.type)) if breaks.null_count else breaks
        ends = np.asarray(breaks.flatten(), dtype=bool)
    if len(flat) == 0:
        return TokenTable(np.zeros(0, dtype=np.int32), offsets, np.array([], dtype=object),
                          None if ends is None else np.zeros(0, dtype=bool))
    encoded = pc.dictionary_encode(flat)
    ids = np.asarray(encoded.indices, dtype=np.int32)
    vocab = np.asarray(encoded.dictionary.to_pylist(), dtype=object)
    return TokenTable(ids, offsets, vocab, ends)


def token_lists(table: TokenTable) -> tuple[pa.Array, pa.Array]:
    """A TokenTable back as a list<string> column and a list<bool> column of phrase ends."""
    words = pa.array(table.vocab.tolist() if len(table.vocab) else [], type=pa.string())
    flat = words.take(pa.array(table.ids, type=pa.int32())) if len(table.ids) else pa.array([], type=pa.string())
    offsets = pa.array(table.offsets.astype(np.int32))
    ends = table.breaks if table.breaks is not None else np.zeros(len(table.ids), dtype=bool)
    return pa.ListArray.from_arrays(offsets, flat), pa.ListArray.from_arrays(offsets, pa.array(ends, pa.bool_()))


def to_csr(vectors: pa.Array, n_columns: int) -> sp.csr_matrix:
    """Spark ML vectors (sparse or dense structs) as one CSR matrix of n_columns columns."""
    n = len(vectors)
    kinds = np.asarray(vectors.field("type"), dtype=np.int8) if n else np.zeros(0, dtype=np.int8)
    indices_col, values_col = vectors.field("indices"), vectors.field("values")
    if n and (kinds == DENSE).any():
        rows = []
        for i in range(n):
            values = np.asarray(values_col[i].as_py(), dtype=np.float64)
            if kinds[i] == DENSE:
                cols = np.flatnonzero(values)
                rows.append((cols, values[cols]))
            else:
                rows.append((np.asarray(indices_col[i].as_py(), dtype=np.int32), values))
        lengths = np.array([len(c) for c, _ in rows], dtype=np.int64)
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        cols = np.concatenate([c for c, _ in rows]) if rows else np.zeros(0, np.int32)
        data = np.concatenate([v for _, v in rows]) if rows else np.zeros(0)
        return sp.csr_matrix((data, cols, indptr), shape=(n, n_columns))
    indices_col = pc.fill_null(indices_col, pa.scalar([], type=indices_col.type))
    values_col = pc.fill_null(values_col, pa.scalar([], type=values_col.type))
    indptr = np.asarray(indices_col.offsets, dtype=np.int64)
    indptr = indptr - indptr[0]
    cols = np.asarray(indices_col.flatten(), dtype=np.int32)
    data = np.asarray(values_col.flatten(), dtype=np.float64)
    return sp.csr_matrix((data, cols, indptr), shape=(n, n_columns))


def from_csr(matrix: sp.csr_matrix) -> pa.StructArray:
    """CSR rows as Spark ML sparse vectors."""
    matrix = sp.csr_matrix(matrix)
    matrix.sort_indices()
    n, size = matrix.shape
    offsets = pa.array(matrix.indptr.astype(np.int32))
    indices = pa.ListArray.from_arrays(offsets, pa.array(matrix.indices.astype(np.int32)))
    values = pa.ListArray.from_arrays(offsets, pa.array(matrix.data.astype(np.float64)))
    return pa.StructArray.from_arrays(
        [pa.array(np.full(n, SPARSE, dtype=np.int8)), pa.array(np.full(n, size, dtype=np.int32)),
         indices.cast(VECTOR_STRUCT.field("indices").type), values.cast(VECTOR_STRUCT.field("values").type)],
        fields=list(VECTOR_STRUCT),
    )


def dense_rows(values: np.ndarray) -> pa.Array:
    """A 2-D float array as a list<double> column (one list per row)."""
    values = np.asarray(values, dtype=np.float64)
    n, width = values.shape if values.ndim == 2 else (len(values), 0)
    offsets = pa.array(np.arange(n + 1, dtype=np.int32) * width)
    return pa.ListArray.from_arrays(offsets, pa.array(values.ravel()))


def list_matrix(lists: pa.Array, width: int, dtype=np.float64) -> np.ndarray:
    """A list<number> column of equal-length lists as a 2-D array."""
    lists = pc.fill_null(lists, pa.scalar([0] * width, type=lists.type)) if lists.null_count else lists
    flat = np.asarray(lists.flatten(), dtype=dtype)
    return flat.reshape(len(lists), width) if width else np.zeros((len(lists), 0), dtype=dtype)


def batch(columns: dict[str, pa.Array | Sequence], schema: pa.Schema | None = None) -> pa.RecordBatch:
    """A record batch from named columns (Python sequences are converted with the schema's types)."""
    if schema is None:
        return pa.RecordBatch.from_arrays([a if isinstance(a, pa.Array) else pa.array(a) for a in columns.values()],
                                          names=list(columns))
    arrays = []
    for field in schema:
        value = columns[field.name]
        if isinstance(value, pa.ChunkedArray):
            value = value.combine_chunks()
        arrays.append(value.cast(field.type) if isinstance(value, pa.Array) else pa.array(value, type=field.type))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def batches(rows: Iterable[dict], schema: pa.Schema, size: int = 2_000):
    """Dict rows grouped into record batches of `schema`."""
    chunk: list[dict] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield pa.RecordBatch.from_pylist(chunk, schema=schema)
            chunk = []
    if chunk:
        yield pa.RecordBatch.from_pylist(chunk, schema=schema)
