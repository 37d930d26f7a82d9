"""One local SparkSession for every Spark test, or a skip saying why there is none (a failure in CI).

On a user's machine without pyspark or Java the Spark tests skip with the
reason; in CI (`CI` set) the same absence fails them, as the real corpora
and the browser do: a CI run that silently skipped the Spark engine would
look green while testing nothing of it. The session is small: two cores, no
web UI, few shuffle partitions.
"""

from __future__ import annotations

import pytest

from shared_corpora import in_ci


def spark_or_skip():
    from dashboard.spark.session import missing_requirements

    problem = missing_requirements()
    if problem is None:
        return None
    if in_ci():
        pytest.fail(f"{problem} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(problem)


@pytest.fixture(scope="session")
def spark():
    spark_or_skip()
    from dashboard.spark.session import spark_session

    session = spark_session("local[2]", {"spark.sql.shuffle.partitions": "4", "spark.default.parallelism": "2",
                                         "spark.ui.enabled": "false", "spark.driver.memory": "2g"})
    yield session
    session.stop()
