#!/usr/bin/env python3
"""Summarizes a bench/startup-cpu/run directory: per mode, the reloads' exec-to-READY times and the p99s."""
import json
import pathlib
import statistics
import sys

out = pathlib.Path(sys.argv[1])
modes = {}
for results in sorted(out.glob("*-*/results.json")):
    mode, round_ = results.parent.name.rsplit("-", 1)
    scenario = json.loads(results.read_text())["passes"][0]["scenarios"][0]
    m = modes.setdefault(mode, {"ready": [], "window_p99": [], "p99": [], "failed": 0, "requests": 0,
                                "reloads": 0, "reloads_ok": 0, "load": [], "others": [], "limit": 0})
    for log in results.parent.glob("logs/*.log"):
        m["limit"] += log.read_text(errors="replace").count("back to the serving CPU share")
    for reload in scenario["reloads"]:
        m["reloads"] += 1
        if reload["succeeded"]:
            m["reloads_ok"] += 1
            m["ready"].append(reload["time_to_ready_ms"])
    if scenario["latency_in_reload_windows_ms"]["count"]:
        m["window_p99"].append(scenario["latency_in_reload_windows_ms"]["p99"])
    m["p99"].append(scenario["latency_ms"]["p99"])
    m["failed"] += scenario["failed"]
    m["requests"] += scenario["requests"]
    machine = scenario["machine"]
    m["load"] += [machine["loadavg_before"], machine["loadavg_after"]]
    m["others"].append(machine["others_pct"])


def med(values):
    return "%.0f" % statistics.median(values) if values else "-"


print("| mode | reloads ok | exec to READY ms, median (min-max) | window p99 ms, median of runs | overall p99 ms,"
      " median of runs | failed / requests | starts that reached the 5 s limit | load average (min-max) |"
      " CPU % of others, median |")
print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
for mode in ("off", "nice", "cgroup"):
    if mode not in modes:
        continue
    m = modes[mode]
    ready = m["ready"]
    print("| %s | %d/%d | %s (%s-%s) | %s | %s | %d / %d | %s | %.1f-%.1f | %s |" % (
        mode, m["reloads_ok"], m["reloads"], med(ready), min(ready, default="-"), max(ready, default="-"),
        med(m["window_p99"]), med(m["p99"]), m["failed"], m["requests"], m["limit"] if mode != "off" else "-",
        min(m["load"]), max(m["load"]), med(m["others"])))
