"""Small hand-made corpora the browser tests upload, written into a test's tmp_path."""

from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
from pathlib import Path

# Three short articles with three framings of one event (written for these tests).
ARTICLES = [
    {"source": "Steppe Herald", "title": "Allies send troops", "date": "2022-01-06",
     "text": "Allied troops landed at the airport in Almaty on Thursday after the president asked the alliance "
             "for help.\n\nOfficials said the soldiers would guard power stations and government buildings while "
             "order is restored across the country."},
    {"source": "River Post", "title": "Fuel prices spark protests", "date": "2022-01-05",
     "text": "Protesters in Zhanaozen demanded lower fuel prices after the cost of liquefied gas doubled overnight."
             "\n\nMany residents said years of economic grievances, low wages and unemployment had driven them "
             "into the streets."},
    {"source": "Capital Daily", "title": "Government blames terrorists", "date": "2022-01-07",
     "text": "The government blamed foreign-trained terrorists for the violence and said armed gangs had seized "
             "weapons.\n\nCritics doubted the claims and asked why no evidence of a foreign attack had been "
             "shown to the public."},
]
FORMATS = ["txt", "csv", "json", "jsonl", "jsonl.gz", "zip"]


def write_corpus(folder: Path, fmt: str, articles: list[dict] = ARTICLES) -> list[Path]:
    """The articles in one upload format; returns the files to give the uploader."""
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "txt":
        paths = []
        for i, a in enumerate(articles):
            path = folder / f"article_{i}.txt"
            path.write_text(f"{a['title']}\n\n{a['text']}\n", encoding="utf-8")
            paths.append(path)
        return paths
    if fmt == "csv":
        path = folder / "articles.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=["source", "title", "date", "text"])
            writer.writeheader()
            writer.writerows(articles)
        return [path]
    if fmt == "json":
        path = folder / "articles.json"
        path.write_text(json.dumps(articles, ensure_ascii=False), encoding="utf-8")
        return [path]
    lines = "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles).encode("utf-8")
    if fmt == "jsonl":
        path = folder / "articles.jsonl"
        path.write_bytes(lines)
        return [path]
    if fmt == "jsonl.gz":
        path = folder / "articles.jsonl.gz"
        path.write_bytes(gzip.compress(lines))
        return [path]
    if fmt == "zip":
        path = folder / "articles.zip"
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for i, a in enumerate(articles):
                archive.writestr(f"news/article_{i}.txt", f"{a['title']}\n\n{a['text']}\n")
        path.write_bytes(buffer.getvalue())
        return [path]
    raise ValueError(f"unknown format {fmt}")


def write_files(folder: Path, files: dict[str, bytes]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths
