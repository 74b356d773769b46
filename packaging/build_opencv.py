"""OpenCV for the bundle: the pinned opencv-python-headless release, built with what Teleavis uses.

The wheel from PyPI carries every OpenCV module, FFmpeg's video codecs and OpenBLAS: about 150 MB
unpacked, more than a third of the bundle a rural site downloads, for video files, neural networks
and linear algebra that Teleavis never calls. This script builds the same release from its source
distribution (the sources the wheel is built from) with only:

- core, imgproc: the quality checks, thumbnails and preview;
- imgcodecs with JPEG and PNG: encoding stills (``cv2.imencode``);
- videoio with V4L2 (USB cameras on Linux) and OpenCV's own MJPEG AVI reader, no FFmpeg;
- objdetect: the Haar cascades of the face and eye checks (with calib3d, features2d and flann,
  which objdetect links);
- the Python bindings, against the interpreter that runs this script and its numpy.

    python packaging/build_opencv.py [--cache DIR]

prints the folder to put first on the module path: it holds a ``cv2`` package laid out like the
wheel's (the loader, the extension, ``cv2.data.haarcascades`` with the two cascades used). The
result is kept in DIR (default ``build/opencv``) under the version and the build options, so only
the first build of a release compiles (12 to 15 minutes on two idle cores, 40 or more on a busy
machine). The source archive comes through ``pip download`` (the machine's index, checked against
its hash); ``OPENCV_SDIST=path`` gives it instead (a machine without Internet access). Needs cmake,
ninja, a C++ compiler and nasm.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
from importlib import metadata
from pathlib import Path

import numpy

ROOT = Path(__file__).resolve().parents[1]
DISTRIBUTION = "opencv-python-headless"
MODULES = "core,imgproc,imgcodecs,videoio,objdetect,python3,python_bindings_generator"
CASCADES = ("haarcascade_frontalface_default.xml", "haarcascade_eye.xml")
LEFT_OUT = (
    *("FFMPEG", "GSTREAMER", "LAPACK", "EIGEN", "OPENCL", "IPP", "ITT", "QT", "GTK", "VTK", "1394", "OPENEXR"),
    *("AVIF", "WEBP", "JASPER", "OPENJPEG", "PROTOBUF", "TBB", "OPENMP", "CUDA", "VA", "VA_INTEL"),
    *("GDAL", "GDCM", "IMGCODEC_HDR", "IMGCODEC_SUNRASTER", "IMGCODEC_PXM", "IMGCODEC_PFM", "JPEGXL", "SPNG"),
    *("GPHOTO2", "ADE", "OBSENSOR"),
)
# The licence texts of what the build compiles in (the source archive's path -> the bundle's):
# OpenCV, the loader's packaging (opencv-python), and the libraries built from OpenCV's 3rdparty/
# for the options below (libjpeg-turbo, libpng, zlib, libtiff; quirc for objdetect's QR codes;
# SoftFloat inside core). libtiff: a 16-bit colour TIFF (a fundus camera's export holding 10 or 12
# bits) is read by OpenCV, whose samples Pillow cuts to their high byte (capture/importer.py).
LICENCES = {
    "opencv/LICENSE": "LICENSE",
    "opencv/COPYRIGHT": "COPYRIGHT",
    "LICENSE.txt": "opencv-python/LICENSE.txt",
    "opencv/3rdparty/libjpeg-turbo/LICENSE.md": "libjpeg-turbo/LICENSE.md",
    "opencv/3rdparty/libjpeg-turbo/README.ijg": "libjpeg-turbo/README.ijg",
    "opencv/3rdparty/libpng/LICENSE": "libpng/LICENSE",
    "opencv/3rdparty/zlib/LICENSE": "zlib/LICENSE",
    "opencv/3rdparty/libtiff/LICENSE.md": "libtiff/LICENSE.md",
    "opencv/3rdparty/quirc/LICENSE": "quirc/LICENSE",
    "opencv/modules/core/3rdparty/SoftFloat/COPYING.txt": "SoftFloat/COPYING.txt",
}
# Everything not named stays off: OpenCV would otherwise link whatever it finds on the build machine.
OPTIONS = [
    "-DCMAKE_BUILD_TYPE=Release",
    f"-DBUILD_LIST={MODULES}",
    "-DBUILD_SHARED_LIBS=OFF",
    "-DWITH_V4L=ON",
    "-DBUILD_JPEG=ON",
    "-DBUILD_PNG=ON",
    "-DBUILD_ZLIB=ON",
    "-DWITH_TIFF=ON",
    "-DBUILD_TIFF=ON",
    *(f"-DWITH_{name}=OFF" for name in LEFT_OUT),
    "-DBUILD_TESTS=OFF",
    "-DBUILD_PERF_TESTS=OFF",
    "-DBUILD_EXAMPLES=OFF",
    "-DBUILD_DOCS=OFF",
    "-DBUILD_opencv_apps=OFF",
    "-DCV_TRACE=OFF",
    "-DOPENCV_PYTHON3_INSTALL_PATH=python",
]


def say(text: str) -> None:
    print(f"[opencv] {text}", file=sys.stderr, flush=True)


def sdist(version: str, cache: Path) -> Path:
    """The release's source archive: OPENCV_SDIST, or one downloaded before, or ``pip download``.

    pip, not a URL of our own: it follows the machine's pip configuration (a hospital's index
    mirror, proxy, certificates) and checks the archive against the hash its index publishes.
    """
    given = os.environ.get("OPENCV_SDIST")
    if given:
        return Path(given)
    pattern = f"opencv[-_]python[-_]headless-{version}.tar.gz"
    found = [p for p in cache.iterdir() if fnmatch.fnmatch(p.name, pattern)]
    if not found:
        say(f"downloading the source archive of {DISTRIBUTION} {version} (pip download)")
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", DISTRIBUTION]
        run([*command, "--dest", str(cache), f"{DISTRIBUTION}=={version}"], cache)
        found = [p for p in cache.iterdir() if fnmatch.fnmatch(p.name, pattern)]
    if not found:
        raise SystemExit(f"build_opencv: pip gave no source archive of {DISTRIBUTION} {version} in {cache}")
    return found[0]


def python_options() -> list[str]:
    include = sysconfig.get_paths()["include"]
    if not (Path(include) / "Python.h").exists():
        minor = f"{sys.version_info.major}.{sys.version_info.minor}"
        raise SystemExit(f"build_opencv: Python's headers are missing ({include}); install python{minor}-dev")
    options = [
        f"-DPYTHON3_EXECUTABLE={os.path.realpath(sys.executable)}",
        f"-DPYTHON3_INCLUDE_DIR={include}",
        f"-DPYTHON3_NUMPY_INCLUDE_DIRS={numpy.get_include()}",
    ]
    # Only for OpenCV's summary: an extension module does not link libpython (the interpreter has it).
    library = Path(sysconfig.get_config_var("LIBDIR") or "/") / (sysconfig.get_config_var("LDLIBRARY") or "-")
    if library.is_file():
        options.append(f"-DPYTHON3_LIBRARY={library}")
    return options


def build(version: str, cache: Path) -> Path:
    options = OPTIONS + python_options()
    # What the binary depends on: the options, Python's ABI and numpy's C API (2.x) — not the paths
    # by which the same interpreter was reached.
    abi = [sysconfig.get_config_var("SOABI") or sys.implementation.cache_tag, f"numpy{numpy.__version__.split('.')[0]}"]
    key = hashlib.sha256("\n".join([version, *OPTIONS, *abi]).encode()).hexdigest()[:12]
    home = cache / f"{version}-{key}"
    done = home / "site"
    if (done / "cv2" / "data" / "__init__.py").exists():
        say(f"{DISTRIBUTION} {version} already built: {done}")
        if not (done / "licenses").is_dir():  # built before the licences were kept beside it
            add_licences(sdist(version, cache), done)
        return done
    # nasm: without it libjpeg-turbo builds without SIMD and encoding a still takes 7 times longer.
    for tool in ("cmake", "ninja", "c++", "nasm"):
        if not shutil.which(tool):
            raise SystemExit(f"build_opencv: {tool} is missing (apt-get install cmake ninja-build g++ nasm)")
    shutil.rmtree(home, ignore_errors=True)
    (home / "build").mkdir(parents=True)
    archive = sdist(version, cache)
    say(f"unpacking {archive.name}")
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if "/opencv/" in m.name]
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later: no link or path out of the folder
            tar.extractall(home / "src", members=members, filter="data")
        else:
            tar.extractall(home / "src", members=[m for m in members if safe(m)])  # noqa: S202 - filtered
    source = next((home / "src").glob("*/opencv"))
    say(f"building OpenCV {version} ({MODULES.replace(',', ', ')}): the first time takes a while")
    jobs = str(os.cpu_count() or 2)
    logs = home / "build"
    run(["cmake", "-G", "Ninja", str(source), f"-DCMAKE_INSTALL_PREFIX={home / 'install'}", *options], logs)
    run(["ninja", "-j", jobs], logs)
    run(["ninja", "install"], logs)
    package = home / "install" / "python" / "cv2"
    data = package / "data"
    data.mkdir(exist_ok=True)
    # As the wheel has it: capture/faces.py finds the cascades through cv2.data.haarcascades.
    (data / "__init__.py").write_text('import os\n\nhaarcascades = os.path.join(os.path.dirname(__file__), "")\n')
    for name in CASCADES:
        shutil.copy2(source / "data" / "haarcascades" / name, data / name)
    staging = home / "site.part"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    shutil.copytree(package, staging / "cv2", symlinks=True)
    add_licences(archive, staging)
    staging.rename(done)
    for scratch in ("src", "build", "install"):
        shutil.rmtree(home / scratch)
    return done


def add_licences(archive: Path, site: Path) -> None:
    """The texts of OpenCV and of what is compiled into it (packaging/licenses.py ships them), into
    ``site/licenses``: first whole, then in place."""
    staging = site / "licenses.part"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            inside = member.name.split("/", 1)[-1]
            if member.isfile() and inside in LICENCES:
                source = tar.extractfile(member)
                assert source is not None
                target = staging / LICENCES[inside]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(source.read())
    kept = {str(path.relative_to(staging)) for path in staging.rglob("*") if path.is_file()}
    if kept != set(LICENCES.values()):
        raise SystemExit(f"build_opencv: licence texts missing from {archive.name}: {set(LICENCES.values()) - kept}")
    staging.rename(site / "licenses")


def safe(member: tarfile.TarInfo) -> bool:
    """What the "data" filter keeps, for a Python without it: plain files and folders inside."""
    inside = not member.name.startswith("/") and ".." not in member.name.split("/")
    return (member.isfile() or member.isdir()) and inside


def run(command: list[str], cwd: Path) -> None:
    log = cwd / f"{Path(command[0]).name}-{len(list(cwd.glob('*.log')))}.log"
    with log.open("w") as out:
        result = subprocess.run(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        tail = log.read_text(errors="replace").splitlines()[-40:]
        raise SystemExit(f"build_opencv: {' '.join(command[:3])}… failed:\n" + "\n".join(tail))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "opencv")
    args = parser.parse_args()
    version = metadata.version(DISTRIBUTION)
    args.cache.mkdir(parents=True, exist_ok=True)
    site = build(version, args.cache.resolve())
    print(site)
    return 0


if __name__ == "__main__":
    sys.exit(main())
