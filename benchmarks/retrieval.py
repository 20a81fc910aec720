"""Retrieval figures beside a plain scikit-learn baseline measured in the same run.

    python benchmarks/retrieval.py [--sizes 10000 100000] [--queries 400]

Baseline: TfidfVectorizer (character 1-3-grams within word boundaries, the usual choice for mixed
Chinese/English text) over one document per entry, queried with cosine_similarity over the whole matrix.
Ours: the shipped analyzer and unit matrix, served with numpy from `q @ XT`.

Prints, for the shipped knowledge base and for synthetic bases of the given sizes: index build time and
per-query p50/p99; then cold start (process start → first answer printed, `awardbot ask`) and peak RSS of
the processes. Machines are noisy: compare the two columns of one run, not runs on different days.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bot.answering.retrieval import IndexParams, Retriever, documents_from, fit, make_analyzer  # noqa: E402
from bot.kb import load as knowledge  # noqa: E402


def percentiles(samples_ns: list[int]) -> tuple[float, float]:
    arr = np.array(samples_ns) / 1e6
    return float(np.percentile(arr, 50)), float(np.percentile(arr, 99))


def time_queries(fn, queries, repeat=3) -> tuple[float, float]:
    for q in queries[:5]:
        fn(q)  # warm caches
    samples = []
    for _ in range(repeat):
        for q in queries:
            t = time.perf_counter_ns()
            fn(q)
            samples.append(time.perf_counter_ns() - t)
    return percentiles(samples)


def synthetic_docs(base_docs, n, seed=7):
    """n entries made by recombining real titles, questions and answer sentences (both languages)."""
    from bot.answering.retrieval import Document

    rng = random.Random(seed)
    questions = [q for d in base_docs for q in d.questions]
    sentences = [s for d in base_docs for s in d.answer.replace("。", "。\n").split("\n") if s.strip()]
    titles = [d.title for d in base_docs]
    docs = []
    for i in range(n):
        qs = tuple(rng.choice(questions) + f" {i % 997}" for _ in range(4))
        docs.append(Document(
            id=f"syn.{i}", title=rng.choice(titles) + f" {i}", clause="",
            keywords=" ; ".join(rng.sample(titles, 2)), questions=(*qs, rng.choice(titles)),
            answer=" ".join(rng.sample(sentences, 4)), details=""))
    return docs


def baseline(docs):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    texts = [" ".join((d.title, d.keywords, " ".join(d.questions), d.answer, d.details)) for d in docs]
    t = time.perf_counter()
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True)
    matrix = vec.fit_transform(texts)
    build = time.perf_counter() - t

    def search(q):
        scores = cosine_similarity(vec.transform([q]), matrix).ravel()
        top = np.argpartition(-scores, 5)[:5]
        return top[np.argsort(-scores[top])]

    return build, search


def ours(kb, docs):
    params = IndexParams()
    analyzer = make_analyzer(kb, params)
    t = time.perf_counter()
    arrays = fit(docs, analyzer, params)
    build = time.perf_counter() - t
    retriever = Retriever(arrays, analyzer, params)
    return build, lambda q: retriever.search(q, 5), arrays


# Run a module or script and report its own peak RSS (VmHWM) on stderr at exit. (wait4's ru_maxrss
# would include the benchmark's own memory, inherited by the forked child before exec.)
PEAK = ("import atexit, runpy, sys\n"
        "def peak():\n"
        "    hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
        "    print('PEAK_KB', hwm, file=sys.stderr)\n"
        "atexit.register(peak)\n"
        "mode, target = sys.argv[1], sys.argv[2]\n"
        "sys.argv = sys.argv[2:]\n"
        "runpy.run_module(target, run_name='__main__') if mode == '-m' else exec(compile(target, '-c', 'exec'))\n")


def child_run(args: list[str], env: dict | None = None, measure: bool = False) -> tuple[float, int, str]:
    """Wall time from start to exit of `python ARGS`; with `measure`, also its own peak RSS in MB."""
    cmd = [sys.executable, "-c", PEAK, *args] if measure else [sys.executable, *args]
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, env=env, cwd=ROOT, check=False)
    elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.decode()[-2000:])
    peak = [line for line in proc.stderr.decode().splitlines() if line.startswith("PEAK_KB")]
    return elapsed, int(peak[-1].split()[1]) // 1024 if peak else 0, proc.stdout.decode()


BASELINE_CHILD = """
import pickle, sys, time
from sklearn.metrics.pairwise import cosine_similarity
vec, matrix, ids = pickle.load(open(sys.argv[1], "rb"))
scores = cosine_similarity(vec.transform([sys.argv[2]]), matrix).ravel()
print(ids[int(scores.argmax())])
"""


def cold_start(kb, queries, runs=7) -> dict:
    """`awardbot ask` from a warm cache, against a baseline process that unpickles a fitted vectorizer."""
    import pickle

    from sklearn.feature_extraction.text import TfidfVectorizer

    tmp = Path(tempfile.mkdtemp(prefix="awardbot-bench-"))
    env = {**os.environ, "AWARDBOT_CACHE": str(tmp / "cache"), "AWARDBOT_DB": str(tmp / "x.db")}
    child_run(["-m", "bot", "ask", queries[0], "--json"], env)  # fills the cache
    docs = documents_from(kb)
    texts = [" ".join((d.title, d.keywords, " ".join(d.questions), d.answer, d.details)) for d in docs]
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True)
    matrix = vec.fit_transform(texts)
    blob = tmp / "baseline.pkl"
    blob.write_bytes(pickle.dumps((vec, matrix, [d.id for d in docs])))
    child_run(["-c", BASELINE_CHILD, str(blob), queries[0]])
    ours_t, base_t, ours_rss, base_rss = [], [], [], []
    for i in range(runs):
        q = queries[i % len(queries)]
        t, _, out = child_run(["-m", "bot", "ask", q, "--json"], env)
        if json.loads(out)["question"] != q:
            raise RuntimeError(f"unexpected output: {out[:200]}")
        ours_t.append(t)
        base_t.append(child_run(["-c", BASELINE_CHILD, str(blob), q])[0])
    ours_rss.append(child_run(["-m", "bot", "ask", queries[1], "--json"], env, measure=True)[1])
    base_rss.append(child_run(["-c", BASELINE_CHILD, str(blob), queries[1]], measure=True)[1])
    return {"ours_s": float(np.median(ours_t)), "base_s": float(np.median(base_t)),
            "ours_rss": max(ours_rss), "base_rss": max(base_rss)}


SERVE_CHILD = """
import sys, time, json
sys.path.insert(0, sys.argv[1])
import numpy as np
from bot.kb import load as knowledge
from bot.answering.retrieval import IndexCache, IndexParams, Retriever, make_analyzer
kb = knowledge.load(sys.argv[2])
params = IndexParams()
arrays = IndexCache(__import__("pathlib").Path(sys.argv[3])).load("bench")
r = Retriever(arrays, make_analyzer(kb, params), params)
for q in json.loads(sys.argv[4]):
    r.search(q, 5)
print("ok")
"""


def serving_rss(kb, docs, queries) -> int:
    """Peak RSS of a process that loads a saved index of `docs` and answers queries (MB)."""
    from bot.answering.retrieval import IndexCache

    tmp = Path(tempfile.mkdtemp(prefix="awardbot-rss-"))
    _, _, arrays = ours(kb, docs)
    IndexCache(tmp).save("bench", arrays)
    _, rss, out = child_run(["-c", SERVE_CHILD, str(ROOT), kb.directory, str(tmp), json.dumps(queries[:50])],
                            measure=True)
    if out.strip() != "ok":
        raise RuntimeError(out)
    return rss


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    p.add_argument("--queries", type=int, default=400)
    args = p.parse_args()
    import sklearn

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}", flush=True)
    print(f"python {platform.python_version()}, numpy {np.__version__}, scikit-learn {sklearn.__version__}")
    kb = knowledge.load(ROOT / "knowledge")
    from bot.answering import evaluation

    items = evaluation.load_items(ROOT / "tests" / "eval" / "questions.yaml")
    queries = [it.q for it in items if it.q.strip()][: args.queries]
    base_docs = documents_from(kb)
    print(f"queries: {len(queries)} development questions, each timed 3 times\n")
    print(f"{'knowledge base':<22} {'build ours':>11} {'build base':>11} {'p50 ours':>10} {'p50 base':>10} "
          f"{'p99 ours':>10} {'p99 base':>10}")
    for label, docs in [(f"shipped ({len(base_docs)})", base_docs)] + [
            (f"synthetic {n:,}", synthetic_docs(base_docs, n)) for n in args.sizes]:
        build_o, search_o, _ = ours(kb, docs)
        build_b, search_b = baseline(docs)
        repeat = 3 if len(docs) < 50_000 else 1
        p50_o, p99_o = time_queries(search_o, queries, repeat)
        # The baseline costs seconds per query at 100k: a sample of 30 questions there.
        sample = queries if len(docs) < 50_000 else queries[:30]
        p50_b, p99_b = time_queries(search_b, sample, repeat)
        print(f"{label:<22} {build_o:>10.1f}s {build_b:>10.1f}s {p50_o:>8.3f}ms {p50_b:>8.3f}ms "
              f"{p99_o:>8.3f}ms {p99_b:>8.3f}ms" + ("   (baseline: 30 questions)" if sample is not queries else ""),
              flush=True)
    cs = cold_start(kb, queries)
    print(f"\ncold start (process start → answer printed, median of 7): awardbot ask {cs['ours_s']:.2f}s, "
          f"baseline (unpickle + cosine) {cs['base_s']:.2f}s")
    print(f"peak RSS of those processes: awardbot ask {cs['ours_rss']} MB, baseline {cs['base_rss']} MB")
    if args.sizes:
        n = max(args.sizes)
        rss = serving_rss(kb, synthetic_docs(base_docs, n), queries)
        print(f"peak RSS serving the synthetic {n:,} index: {rss} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
