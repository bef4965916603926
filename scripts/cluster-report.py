#!/usr/bin/env python3
"""Summarise a finished `make cluster` run from its logs: wall clock, env steps, evaluations,
and the learner's wait share.

    scripts/cluster-report.py runs/cluster-<time> [--json]

Reads logs/*.log (one JSON object per line, as the services write them). Exits 2 when the
folder holds no finished learner log.
"""
import json
import sys
from datetime import datetime
from pathlib import Path


def records(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                try:
                    yield json.loads(line)
                except json.JSONDecodeError:
                    continue


def timestamp(record):
    return datetime.fromisoformat(record["Timestamp"].replace("Z", "+00:00")).timestamp()


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    run = Path(argv[0])
    logs = run / "logs"
    learner = list(records(logs / "learner.log")) if (logs / "learner.log").exists() else []
    finished = [r for r in learner if r.get("Message", "").startswith("Run finished")]
    if not finished:
        print(f"{run}: no finished learner in logs/learner.log", file=sys.stderr)
        return 2

    start = min(timestamp(r) for f in logs.glob("*.log") if f.stem not in ("nats", "redis") for r in records(f)
                if "starts;" in r.get("Message", ""))
    end_record = finished[-1]
    state = end_record.get("State", {})
    # Each actor logs its own share when the run's steps are collected.
    env_steps = sum(r["State"]["Steps"] for f in logs.glob("actor-*.log") for r in records(f)
                    if r.get("Message", "").startswith("Collected the run's env steps"))
    # The learner records every evaluation the evaluator reports (the final one included).
    evaluations = [(r["State"]["Step"], float(r["State"]["Return"])) for r in records(logs / "learner.log")
                   if r.get("Message", "").startswith("Evaluation at")] if (logs / "learner.log").exists() else []
    report = {
        "run": str(run),
        "wall_s": round(timestamp(end_record) - start, 1),
        "learner_steps": state.get("Step"),
        "env_steps": env_steps,
        "learner_wait_s": state.get("WaitSeconds"),
        "learner_train_s": state.get("TrainSeconds"),
        "learner_wait_share": state.get("WaitShare"),
        "learner_first_batch_wait_s": state.get("FirstBatchWaitSeconds"),
        "learner_wait_share_after_first_batch": state.get("SteadyWaitShare"),
        "evaluations": [{"learner_step": v, "return_mean": r} for v, r in evaluations],
    }
    if "--json" in argv:
        print(json.dumps(report, indent=2))
        return 0
    print(f"run            {report['run']}")
    print(f"wall clock     {report['wall_s']} s (first role start to the learner's finish)")
    print(f"env steps      {report['env_steps']} (per env step: {report['wall_s'] / max(1, report['env_steps']) * 1000:.1f} ms)")
    print(f"learner steps  {report['learner_steps']}")
    wait, train, share = report["learner_wait_s"], report["learner_train_s"], report["learner_wait_share"]
    if share is None:
        print("learner wait   not logged (a learner from before the wait share was logged)")
    else:
        print(f"learner wait   {wait:.1f} s waiting for batches, {train:.1f} s training: wait share {share:.1%}")
        if report["learner_wait_share_after_first_batch"] is not None:
            print(f"               after the first batch ({report['learner_first_batch_wait_s']:.1f} s of start-up): "
                  f"{report['learner_wait_share_after_first_batch']:.1%}")
    print("evaluations    " + (", ".join(f"{e['learner_step']}: {e['return_mean']:.1f}" for e in report["evaluations"]) or "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
