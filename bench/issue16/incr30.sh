cd /work/main
for k in $(seq 0 29); do
  .venv/bin/python - "$k" <<'PY'
import sys
from pathlib import Path
k = int(sys.argv[1])
src = sorted(Path("bench/data/inews").glob("*.txt"))[1000 + 100 * k: 1100 + 100 * k]
out = Path("bench/data/inews100")
for i, p in enumerate(src):
    (out / f"inews_incr30_{k:02d}_{i:03d}.txt").write_text(p.read_text(encoding="utf-8").replace("\n\n", f"\n\n增补{k}-{i}。", 1), encoding="utf-8")
PY
  s=$(date +%s.%N); .venv/bin/archive build --source bench/data/inews100 --index-dir /tmp/ix100 2>&1 | tail -1; e=$(date +%s.%N)
  echo "build $k $(echo "$e - $s" | bc) s"
done
.venv/bin/python -c "
from pathlib import Path
from index.search import Engine
print('segments', Engine(Path('/tmp/ix100')).segments())"
.venv/bin/python -m bench.issue16.measure_serve /tmp/ix100 5651 4
