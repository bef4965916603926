#!/usr/bin/env python3
"""Is a run's resident memory flat once its replay is full? Reads the progress records of a run
folder's metrics.jsonl and prints, for each process that ran after the replay filled (each
"resume" record starts a new process, whose memory starts low), the mean resident memory of each window of
WINDOW seconds (default 600) after its first WARMUP seconds (default 300), and how far apart the
window means are.

    scripts/memory-report.py RUN_FOLDER_OR_METRICS [--window S] [--warmup S]

Exits 2 when no record has a full replay.
"""
import argparse
import json
import sys
from pathlib import Path


def progress(path):
    """The progress records with resident memory, and the resume records between them."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if record.get("kind") == "resume" or (record.get("kind") == "progress" and "resident_memory_bytes" in record):
                yield record


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", help="a run folder or its metrics.jsonl")
    parser.add_argument("--window", type=float, default=600)
    parser.add_argument("--warmup", type=float, default=300)
    args = parser.parse_args()
    path = Path(args.run)
    if path.is_dir():
        path = path / "metrics.jsonl"
    if not path.is_file():
        print(f"memory-report: no metrics.jsonl at {path}", file=sys.stderr)
        return 2
    records = list(progress(path))
    capacity = max((r["replay_transitions"] for r in records if r["kind"] == "progress"), default=0)
    processes = [[]]
    for r in records:
        if r["kind"] == "resume":
            processes.append([])
        elif capacity and r["replay_transitions"] >= capacity:
            processes[-1].append(r)
    processes = [p for p in processes if p]
    if not processes:
        print(f"memory-report: {path}: no progress record with a full replay", file=sys.stderr)
        return 2
    full = processes[0]

    print(f"{path}: replay full ({capacity:,} transitions) from {full[0]['env_steps']:,} env steps")
    for process in processes:
        start = process[0]["time_s"]
        windows = {}
        for r in process:
            age = r["time_s"] - start
            if age >= args.warmup:
                windows.setdefault(int((age - args.warmup) // args.window), []).append(r["resident_memory_bytes"] / 2**20)
        span = f"env steps {process[0]['env_steps']:,}-{process[-1]['env_steps']:,}, {(process[-1]['time_s'] - start) / 60:.0f} min"
        if not windows:
            print(f"  {span}: shorter than the warm-up")
            continue
        means = [sum(v) / len(v) for _, v in sorted(windows.items())]
        print(f"  {span}: window means (MiB) {', '.join(f'{m:,.0f}' for m in means)}; "
              f"highest / lowest {max(means) / min(means):.3f}, last / first {means[-1] / means[0]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
