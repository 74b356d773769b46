#!/bin/sh
# Build Teleavis as a one-folder application (PyInstaller), smoke-test it, and optionally pack
# the Debian package.
#
#   packaging/build.sh [--out DIR] [--deb]
#
#   DIR/dist/teleavis/teleavis   the program (with _internal/ beside it); copy the whole folder
#   DIR/teleavis_<v>_<arch>.deb  with --deb (Debian/Ubuntu, needs dpkg-deb)
#
# PYTHON selects the interpreter (default: the project's .venv), which must have the project's
# dependencies and PyInstaller 6 (pip install "pyinstaller>=6,<7"); OpenCV is compiled for the
# bundle the first time (cmake, ninja, a C++ compiler, nasm and Python's headers: python3 dev.py
# test installs them). The smoke test runs the built program from an empty folder with a clean
# environment, so it proves the bundle does not lean on the source tree or on the virtual
# environment.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/build/packaging"
DEB=0
while [ $# -gt 0 ]; do
    case "$1" in
        --out) OUT=$2; shift 2 ;;
        --deb) DEB=1; shift ;;
        -h|--help) sed -n '/^set -eu/q;2,$p' "$0"; exit 0 ;;
        *) echo "build.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
if [ -n "${PYTHON:-}" ]; then PY=$PYTHON
elif [ -x "$ROOT/.venv/bin/python" ]; then PY="$ROOT/.venv/bin/python"
else PY=python3
fi
if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
    echo "build.sh: PyInstaller is missing. Install it with:  $PY -m pip install 'pyinstaller>=6,<7'" >&2
    exit 1
fi

start=$(date +%s)
# OpenCV as Teleavis uses it, without FFmpeg and OpenBLAS (see the script): compiled once per
# release into build/opencv/, then reused. OPENCV_CACHE puts that cache elsewhere.
echo "[build] OpenCV for the bundle (packaging/build_opencv.py)"
TELEAVIS_OPENCV_SITE=$("$PY" "$ROOT/packaging/build_opencv.py" --cache "${OPENCV_CACHE:-$ROOT/build/opencv}")
export TELEAVIS_OPENCV_SITE
echo "[build] PyInstaller (one folder) -> $OUT/dist/teleavis"
"$PY" -m PyInstaller --noconfirm --log-level WARN \
    --distpath "$OUT/dist" --workpath "$OUT/work" "$ROOT/packaging/teleavis.spec"
BIN="$OUT/dist/teleavis/teleavis"
"$PY" "$ROOT/packaging/strip_debug.py" "$OUT/dist/teleavis"
"$PY" "$ROOT/packaging/licenses.py" "$OUT/dist/teleavis" --work "$OUT/work/teleavis" \
    --opencv-site "$TELEAVIS_OPENCV_SITE"

echo "[build] smoke test from an empty folder, clean environment"
SMOKE=$(mktemp -d)
trap 'rm -rf "$SMOKE"' EXIT
run() {
    (cd "$SMOKE" && env -i PATH=/usr/bin:/bin HOME="$SMOKE/home" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen \
        TELEAVIS_HOME="$SMOKE/data" PYTHON_KEYRING_BACKEND=keyring.backends.fail.Keyring "$BIN" "$@")
}
run --version
run --help | grep -q doctor
set +e
run doctor --json > "$SMOKE/doctor.json"
code=$?
set -e
if [ "$code" -gt 1 ]; then echo "[build] doctor exited $code" >&2; exit 1; fi
"$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); assert {c['name'] for c in d['checks']} >= {'camera','keyring','database','platform','clock'}" "$SMOKE/doctor.json"

if [ "$DEB" = 1 ]; then
    echo "[build] Debian package"
    "$PY" "$ROOT/packaging/build_deb.py" --bundle "$OUT/dist/teleavis" --out "$OUT"
fi
end=$(date +%s)
size=$(du -sh "$OUT/dist/teleavis" | cut -f1)
echo "[build] done in $((end - start)) s; bundle $size"
