"""Syndicated copies as Spark jobs: the local engine's shingles and check, Spark's MinHash for candidates.

As in dashboard.duplicates: each article's 3-word shingles (duplicates.
shingle_sets, the same hashes), candidate pairs from MinHash LSH, every
candidate verified on the exact shingle sets with `duplicates._similarity`
(containment for texts of comparable size, else Jaccard) against
DEFAULT_THRESHOLD, groups as connected components, the earliest article of
a group its original.

The MinHash signatures are Spark ML's `MinHashLSH` (N_PERMUTATIONS hash
tables over the shingles as a binary vector). Its own similarity join ORs
single tables, so any pair sharing one minimum (probability = their
Jaccard) would be a candidate: on news text, where unrelated articles share a
few stock phrases, that is most pairs of a large corpus. The candidates are
therefore made as the local engine makes them, with bands of ROWS_PER_BAND
tables that must all agree (probability J^2 per band) and buckets larger than
MAX_CLIQUE_BUCKET checked as a star. Verified pairs are few; their
connected components are found on the driver (duplicates._UnionFind).
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pyarrow as pa

from .. import duplicates as dup
from .batches import column

VECTOR_BITS = 30  # MinHashLSH needs a dimension below its prime (2,038,074,743): shingles are indexed by 30 bits
HASH_BITS = 44  # shingle hashes kept (duplicates.shingle_sets with 20 bits for the text number)
MINHASH_SEED = 20220106


def _arrow(schema):
    from pyspark.sql.pandas.types import to_arrow_schema

    return to_arrow_schema(schema)


def shingles(tokens):
    """pos, distinct shingle hashes (sorted) and the same set as a binary sparse vector, per article with tokens."""
    from pyspark.ml.linalg import VectorUDT
    from pyspark.sql.types import ArrayType, LongType, StructField, StructType

    schema = StructType([StructField("pos", LongType()), StructField("shingles", ArrayType(LongType())),
                         StructField("set", VectorUDT())])
    arrow_schema = _arrow(schema)
    size = 2**VECTOR_BITS
    shift = np.uint64(HASH_BITS - VECTOR_BITS)

    def shingle(batches):
        for b in batches:
            lists = column(b, "tokens").to_pylist()
            sets = dup.shingle_sets([t or [] for t in lists], text_bits=64 - HASH_BITS)
            pos = column(b, "pos").to_pylist()
            rows_pos, rows_sh, rows_idx = [], [], []
            for p, hashes in zip(pos, sets):
                if len(hashes) == 0:
                    continue  # no words: nothing to compare (duplicates does the same)
                rows_pos.append(p)
                rows_sh.append(hashes.astype(np.int64))
                rows_idx.append(np.unique((hashes >> shift).astype(np.int32)))
            offsets = pa.array(np.concatenate([[0], np.cumsum([len(i) for i in rows_idx])]).astype(np.int32))
            flat = np.concatenate(rows_idx) if rows_idx else np.zeros(0, np.int32)
            vec_type = arrow_schema.field("set").type
            vectors = pa.StructArray.from_arrays(
                [pa.array(np.zeros(len(rows_pos), np.int8)), pa.array(np.full(len(rows_pos), size, np.int32)),
                 pa.ListArray.from_arrays(offsets, pa.array(flat, pa.int32())).cast(vec_type.field("indices").type),
                 pa.ListArray.from_arrays(offsets, pa.array(np.ones(len(flat)))).cast(vec_type.field("values").type)],
                fields=list(vec_type))
            sh_offsets = pa.array(np.concatenate([[0], np.cumsum([len(h) for h in rows_sh])]).astype(np.int32))
            sh_flat = np.concatenate(rows_sh) if rows_sh else np.zeros(0, np.int64)
            yield pa.RecordBatch.from_arrays(
                [pa.array(rows_pos, pa.int64()), pa.ListArray.from_arrays(sh_offsets, pa.array(sh_flat, pa.int64())),
                 vectors], schema=arrow_schema)

    return tokens.select("pos", "tokens").mapInArrow(shingle, schema)


def _bucket_pairs(batches, arrow_schema):
    """Candidate pairs of each LSH bucket: all pairs, or a star from its first member when it is large."""
    for b in batches:
        left, right = [], []
        for members in column(b, "members").to_pylist():
            members = sorted(members)
            if len(members) <= dup.MAX_CLIQUE_BUCKET:
                pairs = combinations(members, 2)
            else:
                pairs = ((members[0], m) for m in members[1:])
            for i, j in pairs:
                left.append(i)
                right.append(j)
        yield pa.RecordBatch.from_arrays([pa.array(left, pa.int64()), pa.array(right, pa.int64())], schema=arrow_schema)


def _band_keys(batches, arrow_schema):
    """(pos, band, key) per article and band: the band's MinHash values combined as duplicates._candidate_pairs does."""
    bands = dup.N_PERMUTATIONS // dup.ROWS_PER_BAND
    for b in batches:
        tables = column(b, "hashes")  # list of one-value vectors per article
        values = np.asarray(tables.flatten().field("values").flatten(), dtype=np.float64)
        sig = values.astype(np.uint64).reshape(len(tables), dup.N_PERMUTATIONS)
        keys = np.empty((len(tables), bands), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for band in range(bands):
                cols = sig[:, band * dup.ROWS_PER_BAND : (band + 1) * dup.ROWS_PER_BAND]
                key = cols[:, 0]
                for r in range(1, dup.ROWS_PER_BAND):
                    key = dup._splitmix(key * np.uint64(0x9E3779B97F4A7C15) + cols[:, r])
                keys[:, band] = key
        pos = np.asarray(column(b, "pos"), dtype=np.int64)
        yield pa.RecordBatch.from_arrays(
            [pa.array(np.repeat(pos, bands)), pa.array(np.tile(np.arange(bands, dtype=np.int32), len(pos))),
             pa.array(keys.ravel().view(np.int64))], schema=arrow_schema)


def candidate_pairs(sets):
    """Pairs (i < j) sharing a bucket in some band of ROWS_PER_BAND tables of Spark's MinHash."""
    from pyspark.ml.feature import MinHashLSH
    from pyspark.sql import functions as F
    from pyspark.sql.types import IntegerType, LongType, StructField, StructType

    model = MinHashLSH(inputCol="set", outputCol="hashes", numHashTables=dup.N_PERMUTATIONS,
                       seed=MINHASH_SEED).fit(sets)
    hashed = model.transform(sets.select("pos", "set")).select("pos", "hashes")
    key_schema = StructType([StructField("pos", LongType()), StructField("band", IntegerType()),
                             StructField("key", LongType())])
    key_arrow = _arrow(key_schema)
    keyed = hashed.mapInArrow(lambda it: _band_keys(it, key_arrow), key_schema)
    buckets = keyed.groupBy("band", "key").agg(F.collect_list("pos").alias("members")).where(F.size("members") > 1)
    schema = StructType([StructField("i", LongType()), StructField("j", LongType())])
    arrow_schema = _arrow(schema)
    return buckets.select("members").mapInArrow(lambda it: _bucket_pairs(it, arrow_schema), schema).distinct()


def verified_pairs(pairs, sets, threshold: float = dup.DEFAULT_THRESHOLD):
    """The candidate pairs whose exact shingle similarity (duplicates._similarity) reaches the threshold."""
    from pyspark.sql.types import DoubleType, LongType, StructField, StructType

    schema = StructType([StructField("i", LongType()), StructField("j", LongType()), StructField("similarity", DoubleType())])
    arrow_schema = _arrow(schema)
    sh = sets.select("pos", "shingles")
    both = (pairs.join(sh.withColumnRenamed("pos", "i").withColumnRenamed("shingles", "a"), "i")
            .join(sh.withColumnRenamed("pos", "j").withColumnRenamed("shingles", "b"), "j")
            .select("i", "j", "a", "b"))

    def check(batches):
        for b in batches:
            a_col, b_col = column(b, "a"), column(b, "b")
            keep_i, keep_j, keep_s = [], [], []
            for n, (i, j) in enumerate(zip(column(b, "i").to_pylist(), column(b, "j").to_pylist())):
                a = np.asarray(a_col[n].values, dtype=np.int64)
                c = np.asarray(b_col[n].values, dtype=np.int64)
                s = dup._similarity(a, c)
                if s >= threshold:
                    keep_i.append(i), keep_j.append(j), keep_s.append(round(s, 4))
            yield pa.RecordBatch.from_arrays([pa.array(keep_i, pa.int64()), pa.array(keep_j, pa.int64()),
                                              pa.array(keep_s, pa.float64())], schema=arrow_schema)

    return both.mapInArrow(check, schema).orderBy("i", "j")


def originality(sets):
    """pos -> share of its distinct shingles found in no other article (articles without shingles: 1.0 later)."""
    from pyspark.sql import functions as F

    exploded = sets.select("pos", F.explode("shingles").alias("h"))
    shared = exploded.groupBy("h").count().where(F.col("count") > 1).select("h")
    flagged = exploded.join(shared.withColumn("shared", F.lit(1)), "h", "left")
    return flagged.groupBy("pos").agg((1.0 - F.count("shared") / F.count("*")).alias("originality"))


def copy_groups(pairs: list[tuple[int, int, float]]) -> tuple[list[list[int]], dict[int, int]]:
    """Connected components of verified pairs (positions): groups in input order, first = original; copy -> original."""
    nodes = sorted({p for i, j, _ in pairs for p in (i, j)})
    index = {p: k for k, p in enumerate(nodes)}
    uf = dup._UnionFind(len(nodes))
    for i, j, _ in pairs:
        uf.union(index[i], index[j])
    members: dict[int, list[int]] = {}
    for k, p in enumerate(nodes):
        members.setdefault(uf.find(k), []).append(p)
    groups = [m for _, m in sorted(members.items()) if len(m) > 1]
    return groups, {p: g[0] for g in groups for p in g[1:]}
