"""The Spark engine: the analysis of dashboard.pipeline as Apache Spark jobs, for archives of millions of articles.

`python -m dashboard analyze PATH --engine spark` runs it (Spark's local mode
by default, a cluster with `--master URL` or under `spark-submit`). Every
stage that grows with the corpus is a Spark job; the rules (cleaning,
tokenising, lexicon counting, shingles, zone weights, frame scoring) are the
local engine's own functions, called on each partition, so there is one
implementation of each rule. What is fitted on a bounded sample (the frame
model's context space and regressions, the choice of k, the map's axes) or
decided from aggregated counts (the lexicon choice, key terms' log-odds) is
computed on the driver with the local code.

Importing this package does not import pyspark. `result` (a result folder
as an Analysis, key terms from its counts) needs only pyarrow, so the
dashboard opens what Spark wrote without Spark; `engine` imports pyspark
when it is called.

  session.py  the SparkSession, and the message when pyspark or Java is missing
  daemon.py   the Python worker daemon, with the engine imported before workers fork (local mode)
  batches.py  Arrow batches <-> TokenTables, CSR matrices and arrays (what the partition functions take)
  load.py     inputs -> articles and the per-item load report
  text.py     cleaning, outlet boilerplate, languages, aliases, tokens
  copies.py   syndicated copies: shingles, Spark's MinHash, banded candidates, exact check
  vectors.py  term counts (CountVectorizer), IDF, TF-IDF rows
  frames.py   lexicon hits, the lexicon choice, the frame model, scores
  stories.py  stories from the text (or the corpus's story column)
  clusters.py framing clusters (KMeans / BisectingKMeans), cards, the map
  terms.py    n-gram counts per group value, for key terms
  engine.py   the stages composed; the result folder written
  result.py   a result folder read back (pyarrow only)
  run.py      what the CLI calls: a result folder written, or read back as an Analysis
  submit.py   the CLI as a file for spark-submit
  bench.py    agreement with the local engine, and scaling
"""
