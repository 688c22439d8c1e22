#!/usr/bin/python3
"""controlmap's benchmark (`make bench`): the default map drawn by
controlmap and by MapServer (map2img), Mapnik and GMT, once and as a
37-frame yearly batch, and controlmap's growth on synthetic data.

  bench.py --controlmap ./controlmap --mksynth build/bench/mksynth \
           --pnglevels build/bench/pnglevels --out build/bench

Prints the tables and writes them to OUT/results.md. A peer that is not
installed or fails is reported as such and the others go on. Times are wall
times of whole processes (start-up included, as a user waits for them);
peak memory is the largest resident set of the process and its children.
See docs/bench.md for what each renderer draws.
"""
import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHAPES = os.path.join(ROOT, "shapes")

DATE = "2020-11-10"
YEARS = list(range(1988, 2025))
SRS = "+proj=lcc +lat_1=39 +lat_2=41 +lat_0=40 +lon_0=46.5 +datum=WGS84"
EXTENT = (44.75, 38.75, 47.75, 40.65)  # west south east north, as default.mss
WIDTH, HEIGHT, DPI = 2400, 1800, 358
SYNTH_SIZES = (100_000, 1_000_000, 10_000_000)

# How many times each thing is run; the best wall time counts.
RUNS_CONTROLMAP, RUNS_BATCH, RUNS_FAST_PEER, RUNS_SLOW_PEER = 7, 3, 5, 3
# Runs of each build when two builds are compared (--against): medians.
RUNS_AGAINST = 11

# The targets of the benchmark.
TARGET_SINGLE_RATIO = 2.0
TARGET_BATCH_RATIO = 10.0
TARGET_BATCH_MB = 100.0
TARGET_SVG_BYTES = 1_000_000
TARGET_LINEAR_SLACK = 1.5


@dataclass
class Run:
    """One process run: wall seconds, peak memory in MB, exit code, stderr,
    and the CPU seconds (user and system) of it and its children."""
    wall: float
    peak_mb: float
    code: int
    stderr: str
    walls: list = field(default_factory=list)
    cpu: float = 0.0

    @property
    def ok(self):
        return self.code == 0

    def why(self):
        lines = [l for l in self.stderr.strip().splitlines() if l.strip()]
        return lines[-1][:160] if lines else "exit code %d" % self.code


def run(cmd, cwd=ROOT, env=None):
    """Run cmd once; wait4 gives the peak memory of it and its children."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
        except OSError as e:
            return Run(0.0, 0.0, 127, str(e))
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return Run(wall, usage.ru_maxrss / 1024.0, proc.returncode, text, [wall],
               usage.ru_utime + usage.ru_stime)


def best_of(n, cmd, cwd=ROOT, env=None, before=None):
    """The fastest of n runs (stopping at the first failure), its stderr,
    and the largest peak memory seen."""
    best, walls, peak = None, [], 0.0
    for _ in range(n):
        if before:
            before()
        r = run(cmd, cwd, env)
        if not r.ok:
            return r
        walls.append(r.wall)
        peak = max(peak, r.peak_mb)
        if best is None or r.wall < best.wall:
            best = r
    best.walls, best.peak_mb = walls, peak
    return best


def timings(stderr):
    """controlmap's --timings lines: stage -> seconds, and peak memory."""
    stages = {k: float(v) for k, v in re.findall(
        r"controlmap: (load\+project|compose|draw\+encode|total)\s+([0-9.]+) s", stderr)}
    m = re.search(r"peak memory\s+([0-9.]+) MB", stderr)
    if m:
        stages["peak"] = float(m.group(1))
    return stages


def png_size(path):
    """Width and height from a PNG's header, or None."""
    try:
        with open(path, "rb") as f:
            head = f.read(24)
    except OSError:
        return None
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def drawn(path):
    """Why a rendered PNG is not a real map (None when it is): missing, not
    a PNG, or so small it can only be one flat colour."""
    size = png_size(path)
    if size is None:
        return "no PNG written"
    if os.path.getsize(path) < 20_000:
        return "blank image (%d bytes)" % os.path.getsize(path)
    return None


# --- set-up ---------------------------------------------------------------

def bench_style(out):
    """styles/default.mss on a 2400 x 1800 px page at 358 dpi (the 170 mm
    width of the print map at 2400 px), so every size keeps its proportion."""
    text = open(os.path.join(ROOT, "styles", "default.mss"), encoding="utf-8").read()
    text = re.sub(r"page:\s*[^;]+;", "page: %dpx %dpx;" % (WIDTH, HEIGHT), text, count=1)
    text = re.sub(r"dpi:\s*[^;]+;", "dpi: %d;" % DPI, text, count=1)
    shapes = os.path.relpath(SHAPES, out)
    text = text.replace('"../shapes/', '"%s/' % shapes)
    path = os.path.join(out, "default-2400.mss")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def view_box():
    """The default extent projected (its edges traced, as controlmap does),
    widened to the 4:3 image around its centre: the box every peer draws.
    None when gdaltransform is missing."""
    if not shutil.which("gdaltransform"):
        return None
    w, s, e, n = EXTENT
    pts = []
    for i in range(65):
        t = i / 64.0
        x, y = w + t * (e - w), s + t * (n - s)
        pts += [(x, s), (x, n), (w, y), (e, y)]
    text = "".join("%.9f %.9f\n" % p for p in pts)
    res = subprocess.run(["gdaltransform", "-s_srs", "+proj=longlat +datum=WGS84",
                          "-t_srs", SRS], input=text, capture_output=True, text=True)
    xy = [tuple(map(float, l.split()[:2])) for l in res.stdout.splitlines() if l.strip()]
    if res.returncode != 0 or len(xy) != len(pts):
        return None
    x0, x1 = min(p[0] for p in xy), max(p[0] for p in xy)
    y0, y1 = min(p[1] for p in xy), max(p[1] for p in xy)
    half_w = max(x1 - x0, (y1 - y0) * WIDTH / HEIGHT) / 2
    half_h = half_w * HEIGHT / WIDTH
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return (cx - half_w, cy - half_h, cx + half_w, cy + half_h)


def fill_template(src, dst, values):
    text = open(os.path.join(HERE, src), encoding="utf-8").read()
    for k, v in values.items():
        text = text.replace("@%s@" % k, v)
    with open(dst, "w", encoding="utf-8") as f:
        f.write(text)
    return dst


def fresh_dir(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


# --- the renderers --------------------------------------------------------

class Controlmap:
    name = "controlmap"

    def __init__(self, exe, out):
        self.exe, self.out = os.path.abspath(exe), out
        self.style = bench_style(out)

    def single(self, ext, style=None):
        target = os.path.join(self.out, "single", "controlmap." + ext)
        if style:
            target = os.path.join(self.out, "single", "controlmap-default." + ext)
        cmd = [self.exe, "render", "-s", style or self.style, "-d", DATE,
               "-o", target, "--timings"]
        r = best_of(RUNS_CONTROLMAP, cmd)
        return r, target

    def batch(self, jobs):
        frames = os.path.join(self.out, "frames", "controlmap-j%s" % (jobs or "default"))
        cmd = [self.exe, "batch", "-s", self.style, "--every", "year",
               "--from", str(YEARS[0]), "--to", str(YEARS[-1]),
               "-o", os.path.join(frames, "{date:%Y}.png"), "--timings", "-q"]
        if jobs:
            cmd += ["--jobs", str(jobs)]
        r = best_of(RUNS_BATCH, cmd, before=lambda: fresh_dir(frames))
        return r, frames


class Peer:
    """A peer renderer: how to tell it is there, draw once, draw 37 frames."""
    name, runs = "", RUNS_FAST_PEER

    def __init__(self, out, box):
        self.out, self.box = out, box

    def missing(self):
        return None

    def single_cmd(self, target):
        raise NotImplementedError

    def batch_cmd(self, frames):
        raise NotImplementedError

    def env(self):
        return None

    def cwd(self):
        return ROOT

    def single(self):
        target = os.path.join(self.out, "single", self.name.lower() + ".png")
        r = best_of(self.runs, self.single_cmd(target), self.cwd(), self.env())
        return r, target

    def batch(self):
        frames = fresh_dir(os.path.join(self.out, "frames", self.name.lower()))
        return run(self.batch_cmd(frames), self.cwd(), self.env()), frames


class MapServer(Peer):
    name = "MapServer"

    def missing(self):
        return None if shutil.which("map2img") else "map2img not installed"

    def mapfile(self):
        return fill_template("mapserver.map.in", os.path.join(self.out, "mapserver.map"), {
            "SHAPES": SHAPES, "FONTSET": os.path.join(HERE, "fonts.txt"),
            "EXTENT": "%.3f %.3f %.3f %.3f" % self.box})

    def single_cmd(self, target):
        # map2img has no variables: the date goes in with sed, as in the loop.
        script = ('sed "s/@DATE@/%s/g" "$1" > "$2" && map2img -m "$2" -o "$3"'
                  % DATE)
        return ["/bin/sh", "-c", script, "sh", self.mapfile(),
                os.path.join(self.out, "mapserver-frame.map"), target]

    def batch_cmd(self, frames):
        script = ('for y in %s; do sed "s/@DATE@/$y-01-01/g" "$1" > "$2" && '
                  'map2img -m "$2" -o "$3/$y.png" || exit 1; done'
                  % " ".join(map(str, YEARS)))
        return ["/bin/sh", "-c", script, "sh", self.mapfile(),
                os.path.join(self.out, "mapserver-frame.map"), frames]


class Mapnik(Peer):
    name = "Mapnik"

    def missing(self):
        r = run(["/usr/bin/python3", "-c", "import mapnik"])
        return None if r.ok else "python3-mapnik not installed (%s)" % r.why()

    def xml(self):
        return fill_template("mapnik.xml.in", os.path.join(self.out, "mapnik.xml"), {
            "SHAPES": SHAPES, "FONTS": "/usr/share/fonts/truetype/noto",
            "SQUARE": os.path.join(HERE, "square.svg")})

    def cmd(self, target, dates):
        return (["/usr/bin/python3", os.path.join(HERE, "mapnik_map.py"), self.xml()]
                + ["%.3f" % v for v in self.box] + [target] + dates)

    def single_cmd(self, target):
        return self.cmd(target, [DATE])

    def batch_cmd(self, frames):
        return self.cmd(os.path.join(frames, "{year}.png"), ["%d-01-01" % y for y in YEARS])


class GMT(Peer):
    name = "GMT"
    runs = RUNS_SLOW_PEER

    def missing(self):
        for tool in ("gmt", "ogr2ogr", "gs"):
            if not shutil.which(tool):
                return "%s not installed" % tool
        return None

    def cwd(self):
        path = os.path.join(self.out, "gmt")
        os.makedirs(path, exist_ok=True)
        return path

    def env(self):
        env = dict(os.environ)
        env["GMT_USERDIR"] = env["GMT_TMPDIR"] = self.cwd()
        return env

    def region(self):
        x0, y0, x1, y1 = self.box
        return "%.3f/%.3f/%.3f/%.3f" % (x0, x1, y0, y1)

    def single_cmd(self, target):
        return ["/bin/sh", os.path.join(HERE, "gmt_map.sh"), SHAPES, DATE, target,
                self.region()]

    def batch_cmd(self, frames):
        script = ('for y in %s; do sh "$1" "$2" $y-01-01 "$3/$y.png" "$4" || exit 1; done'
                  % " ".join(map(str, YEARS)))
        return ["/bin/sh", "-c", script, "sh", os.path.join(HERE, "gmt_map.sh"),
                SHAPES, frames, self.region()]


# --- measuring ------------------------------------------------------------

def measure_controlmap(cm, report):
    singles = {}
    for ext in ("png", "svg", "pdf"):
        r, target = cm.single(ext)
        if not r.ok:
            sys.exit("bench: controlmap failed to render %s: %s" % (ext, r.why()))
        singles[ext] = (r, target)
    r, svg = cm.single("svg", os.path.join(ROOT, "styles", "default.mss"))
    if not r.ok:
        sys.exit("bench: controlmap failed on the default style: %s" % r.why())
    report.single(singles, os.path.getsize(svg))
    batches = {}
    for jobs in (1, None):
        r, frames = cm.batch(jobs)
        if not r.ok:
            sys.exit("bench: controlmap batch failed: %s" % r.why())
        batches[jobs] = (r, frames)
    report.batch(batches)
    return singles["png"][0], batches[None][0]


def measure_peer(peer, report):
    why = peer.missing() if peer.box else "gdaltransform (gdal-bin) not installed"
    if why:
        report.peer(peer.name, None, None, why)
        return
    r, target = peer.single()
    why = (r.why() if not r.ok else drawn(target))
    if why:
        report.peer(peer.name, None, None, "failed: " + why)
        return
    b, frames = peer.batch()
    bwhy = b.why() if not b.ok else drawn(os.path.join(frames, "%d.png" % YEARS[-1]))
    report.peer(peer.name, r, None if bwhy else b, bwhy and "batch failed: " + bwhy)


def measure_scaling(cm, mksynth, report):
    rows = []
    for n in SYNTH_SIZES:
        shp = os.path.join(cm.out, "synth-%d.shp" % n)
        if not os.path.exists(shp):
            made = run([mksynth, str(n), shp])
            if not made.ok:
                sys.exit("bench: mksynth failed: %s" % made.why())
        style = fill_template("synth.mss.in", os.path.join(cm.out, "synth-%d.mss" % n),
                              {"FILE": os.path.basename(shp)})
        target = os.path.join(cm.out, "single", "synth-%d.png" % n)
        r = best_of(3 if n < 10_000_000 else 2,
                    [cm.exe, "render", "-s", style, "-d", DATE, "-o", target, "--timings"])
        if not r.ok:
            sys.exit("bench: controlmap failed on %s: %s" % (shp, r.why()))
        rows.append((n, r))
    report.scaling(rows)


def measure_levels(pnglevels, png, report):
    """zlib and libdeflate at each level on controlmap's PNG of the map."""
    r = subprocess.run([pnglevels, png], capture_output=True, text=True)
    if r.returncode != 0:
        report.emit("## 5. Deflate levels", "", "pnglevels failed: %s" % r.stderr.strip(), "")
        return
    got = {}
    for line in r.stdout.splitlines():
        lib, level, ms, size = line.split()
        got[(lib, int(level))] = (float(ms), int(size))
    report.levels(got)


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return (xs[n // 2] + xs[(n - 1) // 2]) / 2.0


def measure_against(cm, other, report):
    """One PNG of the benchmark map by this build and by another build of
    controlmap, run in turns (A B, then B A, ...) so that the machine's
    load falls on both alike; medians of wall and CPU time."""
    builds = [("this build", cm.exe), ("--against", os.path.abspath(other))]
    got = {name: ([], []) for name, _ in builds}
    targets = {name: os.path.join(cm.out, "single", "against-%d.png" % k)
               for k, (name, _) in enumerate(builds)}
    for i in range(RUNS_AGAINST):
        for name, exe in (builds if i % 2 == 0 else builds[::-1]):
            r = run([exe, "render", "-s", cm.style, "-d", DATE, "-o", targets[name]])
            if not r.ok:
                report.emit("## 7. Against another build", "",
                            "%s failed: %s" % (exe, r.why()), "")
                return
            got[name][0].append(r.wall)
            got[name][1].append(r.cpu)
    with open(targets["this build"], "rb") as a, open(targets["--against"], "rb") as b:
        same = a.read() == b.read()
    report.against(builds, got, same)


# --- the report -----------------------------------------------------------

def mb(x):
    return "%.1f MB" % x


def secs(x):
    return "%.3f s" % x if x < 10 else "%.1f s" % x


def verdict(ok):
    return "**PASS**" if ok else "**MISS**"


class Report:
    """Markdown tables, printed as they come and written to results.md."""

    def __init__(self, out):
        self.out, self.lines = out, []
        self.cm_single = self.cm_batch = None
        self.peers, self.svg_bytes, self.growth = [], None, None
        self.peak_batch = None

    def emit(self, *lines):
        for l in lines:
            print(l)
            self.lines.append(l)
        sys.stdout.flush()

    def table(self, head, rows):
        self.emit("| " + " | ".join(head) + " |",
                  "|" + "|".join("---" for _ in head) + "|",
                  *["| " + " | ".join(str(c) for c in row) + " |" for row in rows])
        self.emit("")

    def machine(self, peers_versions):
        cpu = "unknown CPU"
        try:
            for l in open("/proc/cpuinfo"):
                if l.startswith("model name"):
                    cpu = l.split(":", 1)[1].strip()
                    break
            mem = int(re.search(r"MemTotal:\s+(\d+)", open("/proc/meminfo").read()).group(1))
        except (OSError, AttributeError):
            mem = 0
        osname = platform.platform()
        try:
            osname = re.search(r'PRETTY_NAME="([^"]+)"', open("/etc/os-release").read()).group(1)
        except (OSError, AttributeError):
            pass
        self.emit("# controlmap benchmark", "",
                  "Run on %s: %s, %d CPUs, %.0f GiB, %s, kernel %s; load average %.2f at the start."
                  % (time.strftime("%Y-%m-%d %H:%M"), cpu, os.cpu_count() or 0,
                     mem / 1048576.0, osname, platform.release(), os.getloadavg()[0]),
                  "Peers: " + "; ".join(peers_versions) + ".", "")

    def single(self, singles, default_svg_bytes):
        self.svg_bytes = default_svg_bytes
        self.cm_single = singles["png"][0]
        self.emit("## 1. controlmap, one render of the default map on %s" % DATE, "",
                  "%d x %d px at %d dpi (styles/default.mss on a %dpx x %dpx page); best of %d runs."
                  % (WIDTH, HEIGHT, DPI, WIDTH, HEIGHT, RUNS_CONTROLMAP), "")
        rows = []
        for ext, (r, target) in singles.items():
            t = timings(r.stderr)
            rows.append([ext.upper(), secs(r.wall), secs(t.get("load+project", 0)),
                         secs(t.get("compose", 0)), secs(t.get("draw+encode", 0)),
                         mb(r.peak_mb), "%.0f KB" % (os.path.getsize(target) / 1024.0)])
        self.table(["format", "wall (best)", "load+project", "compose", "draw+encode",
                    "peak memory", "file"], rows)
        self.emit("The default style as it is (170 x 125 mm) as SVG: %.0f KB." %
                  (default_svg_bytes / 1024.0), "")

    def batch(self, batches):
        self.emit("## 2. controlmap, 37 yearly frames 1988..2024 (PNG)", "",
                  "`controlmap batch --every year --from 1988 --to 2024`; best of %d runs."
                  % RUNS_BATCH, "")
        rows = []
        for jobs, (r, _) in batches.items():
            t = timings(r.stderr)
            rows.append(["--jobs %d" % jobs if jobs else "default (%d CPUs)" % (os.cpu_count() or 1),
                         secs(r.wall), secs(r.wall / len(YEARS)),
                         secs(t.get("load+project", 0)), secs(t.get("compose", 0)),
                         secs(t.get("draw+encode", 0)), mb(r.peak_mb)])
        self.table(["jobs", "wall (best)", "per frame", "load+project", "compose (sum)",
                    "draw+encode (sum)", "peak memory"], rows)
        self.cm_batch = batches[None][0]
        self.peak_batch = max(r.peak_mb for r, _ in batches.values())

    def peer(self, name, single, batch, why):
        self.peers.append((name, single, batch, why))

    def peers_table(self):
        self.emit("## 3. The same map with each peer", "",
                  "Same shapefiles, extent, projection, 2400 x 1800 PNG, date filter; "
                  "ratio = peer time / controlmap time (above 1: controlmap is faster). "
                  "Batch: the peer's natural loop, run once.", "")
        rows = [["controlmap", secs(self.cm_single.wall), mb(self.cm_single.peak_mb), "1.0",
                 secs(self.cm_batch.wall), mb(self.cm_batch.peak_mb), "1.0", ""]]
        for name, s, b, why in self.peers:
            rows.append([name,
                         secs(s.wall) if s else "-", mb(s.peak_mb) if s else "-",
                         "%.1f" % (s.wall / self.cm_single.wall) if s else "-",
                         secs(b.wall) if b else "-", mb(b.peak_mb) if b else "-",
                         "%.1f" % (b.wall / self.cm_batch.wall) if b else "-",
                         why or ""])
        self.table(["renderer", "one PNG (best)", "peak", "ratio", "37 frames", "peak",
                    "ratio", "note"], rows)

    def scaling(self, rows):
        self.emit("## 4. Growth with the data: synthetic polygons", "",
                  "mksynth polygons of 1000 vertices each, filled and outlined, one "
                  "2400 x 1800 PNG; best of 3 (2 for the largest).", "")
        out, base = [], rows[0][1]
        for n, r in rows:
            t = timings(r.stderr)
            per_mb = ((r.peak_mb - base.peak_mb) * 1048576.0 / (n - rows[0][0])
                      if n != rows[0][0] else 0)
            out.append(["%.0e" % n, secs(r.wall), secs(t.get("load+project", 0)),
                        secs(t.get("draw+encode", 0)), "%.3f" % (r.wall / n * 1e6),
                        mb(r.peak_mb), "%.0f" % per_mb if per_mb else "-"])
        self.table(["vertices", "wall (best)", "load+project", "draw+encode",
                    "µs per vertex", "peak memory", "bytes per added vertex"], out)
        (n0, r0), (n1, r1), (n2, r2) = rows
        small = (r1.wall - r0.wall) / (n1 - n0)
        large = (r2.wall - r1.wall) / (n2 - n1)
        self.growth = (small * 1e6, large * 1e6)
        self.emit("Added time per added vertex: %.3f µs from 1e5 to 1e6, %.3f µs from "
                  "1e6 to 1e7." % self.growth, "")

    def levels(self, got):
        self.emit("## 5. Deflate levels", "",
                  "The image data of controlmap's PNG above (RGB rows, unfiltered) "
                  "compressed whole by zlib (as libpng does) and by libdeflate; CPU "
                  "time of the thread, best of 3 (`build/bench/pnglevels`).", "")
        rows = []
        for level in sorted({lv for _, lv in got}):
            z, d = got.get(("zlib", level)), got.get(("libdeflate", level))
            rows.append([level,
                         "%.1f ms" % z[0], "%.0f KB" % (z[1] / 1024.0),
                         "%.1f ms" % d[0], "%.0f KB" % (d[1] / 1024.0),
                         "%.2f" % (z[0] / d[0]) if d[0] else "-"])
        self.table(["level", "zlib time", "zlib size", "libdeflate time",
                    "libdeflate size", "zlib / libdeflate time"], rows)

    def against(self, builds, got, same):
        self.emit("## 7. Against another build", "",
                  "One PNG of the benchmark map, %d runs of each build taken in turns; "
                  "medians. Ratio: the other build's time over this build's." % RUNS_AGAINST, "")
        base_wall, base_cpu = median(got[builds[0][0]][0]), median(got[builds[0][0]][1])
        rows = []
        for name, exe in builds:
            w, c = median(got[name][0]), median(got[name][1])
            shown = os.path.relpath(exe, ROOT) if exe.startswith(ROOT + os.sep) else exe
            rows.append([name, "`%s`" % shown, secs(w), secs(c),
                         "%.2f" % (w / base_wall), "%.2f" % (c / base_cpu)])
        self.table(["build", "program", "wall (median)", "CPU (median)", "wall ratio",
                    "CPU ratio"], rows)
        self.emit("The two PNGs are %s." % ("the same, byte for byte" if same else "**different**"), "")

    def targets(self):
        self.emit("## 6. Targets", "")
        rows = []
        fast = [p for p in self.peers if p[1]]
        if fast:
            name, s, _, _ = min(fast, key=lambda p: p[1].wall)
            ratio = s.wall / self.cm_single.wall
            rows.append(["one PNG >= %.0fx faster than the fastest peer" % TARGET_SINGLE_RATIO,
                         "%.1fx (%s)" % (ratio, name), verdict(ratio >= TARGET_SINGLE_RATIO)])
        else:
            rows.append(["one PNG >= 2x faster than the fastest peer", "no peer ran", "-"])
        loops = [p for p in self.peers if p[2]]
        if loops:
            name, _, b, _ = min(loops, key=lambda p: p[2].wall)
            ratio = b.wall / self.cm_batch.wall
            rows.append(["37 frames >= %.0fx faster than the fastest peer's loop"
                         % TARGET_BATCH_RATIO, "%.1fx (%s)" % (ratio, name),
                         verdict(ratio >= TARGET_BATCH_RATIO)])
        else:
            rows.append(["37 frames >= 10x faster than the fastest peer's loop",
                         "no peer ran", "-"])
        rows.append(["batch peak memory < %.0f MB" % TARGET_BATCH_MB, mb(self.peak_batch),
                     verdict(self.peak_batch < TARGET_BATCH_MB)])
        rows.append(["default map SVG < 1 MB", "%.0f KB" % (self.svg_bytes / 1024.0),
                     verdict(self.svg_bytes < TARGET_SVG_BYTES)])
        small, large = self.growth
        rows.append(["linear growth (added µs per vertex at 1e6..1e7 <= %.1f x at 1e5..1e6)"
                     % TARGET_LINEAR_SLACK, "%.3f vs %.3f µs" % (large, small),
                     verdict(large <= TARGET_LINEAR_SLACK * small)])
        self.table(["target", "measured", ""], rows)

    def save(self):
        self.emit("Load average at the end: %.2f (other work on the machine slows every "
                  "renderer alike only when it is steady; compare ratios from one run)."
                  % os.getloadavg()[0])
        path = os.path.join(self.out, "results.md")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(self.lines) + "\n")
        print("bench: wrote %s" % os.path.relpath(path, ROOT))


def versions():
    """One line per peer naming the version found, or that it is missing."""
    found = []
    r = subprocess.run(["map2img", "-v"], capture_output=True, text=True) \
        if shutil.which("map2img") else None
    found.append(r.stdout.split(" OUTPUT")[0].strip() if r and r.stdout else "MapServer missing")
    r = subprocess.run(["/usr/bin/python3", "-c", "import mapnik; print(mapnik.mapnik_version_string())"],
                       capture_output=True, text=True)
    found.append("Mapnik " + r.stdout.strip() if r.returncode == 0 else "Mapnik missing")
    r = subprocess.run(["gmt", "--version"], capture_output=True, text=True) \
        if shutil.which("gmt") else None
    found.append("GMT " + r.stdout.strip() if r and r.returncode == 0 else "GMT missing")
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--controlmap", default=os.path.join(ROOT, "controlmap"))
    ap.add_argument("--mksynth", default=os.path.join(ROOT, "build", "bench", "mksynth"))
    ap.add_argument("--pnglevels", default=os.path.join(ROOT, "build", "bench", "pnglevels"))
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench"))
    ap.add_argument("--against", help="another controlmap program to compare one render with")
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    fresh_dir(os.path.join(out, "single"))
    report = Report(out)
    report.machine(versions())
    cm = Controlmap(args.controlmap, out)
    measure_controlmap(cm, report)
    box = view_box()
    for peer in (MapServer(out, box), Mapnik(out, box), GMT(out, box)):
        measure_peer(peer, report)
    report.peers_table()
    measure_scaling(cm, os.path.abspath(args.mksynth), report)
    measure_levels(os.path.abspath(args.pnglevels),
                   os.path.join(out, "single", "controlmap.png"), report)
    report.targets()
    if args.against:
        measure_against(cm, args.against, report)
    report.save()


if __name__ == "__main__":
    main()
