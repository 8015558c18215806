"""Run a command; sample the sum of PSS of its process tree every second; print its output's end, the wall
time and the peak, and when it came (seconds from the start). Issue 16's build figures:
``python bench/issue16/pss_run.py archive build …``."""

import json
import subprocess
import sys
import threading
import time

import psutil


def tree_pss(root: psutil.Process) -> int:
    total = 0
    for proc in [root, *root.children(recursive=True)]:
        try:
            total += proc.memory_full_info().pss
        except psutil.Error:  # ended meanwhile
            pass
    return total


def main() -> None:
    proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = [0, 0.0]
    started = time.time()

    def sample() -> None:
        root = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                pss = tree_pss(root)
                if pss > peak[0]:
                    peak[:] = [pss, time.time() - started]
            except psutil.Error:
                pass
            time.sleep(1.0)

    threading.Thread(target=sample, daemon=True).start()
    out = proc.communicate()[0]
    print(out[-400:])
    print(json.dumps({"wall_s": round(time.time() - started, 1), "peak_pss_MB": round(peak[0] / 2**20),
                      "peak_at_s": round(peak[1])}))


if __name__ == "__main__":
    main()
