"""Whole-suite measurements: harness overhead over bare runners, -n 2 against -n 0, and the
cost per scenario as the generated suite grows."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks import commands, suites
from benchmarks.common import (
    CLI,
    BenchmarkError,
    Figures,
    Timed,
    fastest,
    least_cpu,
    run_timed,
    shell,
)
from harness.lint_cache import ENV_LINT_CACHE

TIMEOUT = 1800.0


def _generate_command(size: int, out: Path) -> str:
    return shell([CLI, "generate", "--examples", str(size), "--out", str(out)])


def _repeat(variants: dict[str, Callable[[int], Timed]], repeats: int) -> dict[str, list[Timed]]:
    """Each variant ``repeats`` times, interleaved (A B C A B C …) so drifting load on the
    machine falls on all of them alike."""
    timings: dict[str, list[Timed]] = {name: [] for name in variants}
    for round_ in range(repeats):
        for name, measure in variants.items():
            timings[name].append(measure(round_))
    return timings


def _fresh(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    return path


def file_create_probe(folder: Path, count: int = 2000) -> float:
    """Microseconds to create, write (1 KB) and close one file in a new folder under
    ``folder``: the file system's state, which the Allure-on ratios depend on (the harness
    writes 2 files per scenario, a bare runner 1)."""
    probe = folder / f"file-create-probe-{time.monotonic_ns()}"
    probe.mkdir(parents=True)
    body = b"x" * 1024
    began = time.perf_counter()
    for index in range(count):
        fd = os.open(probe / f"{index}.json", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        os.write(fd, body)
        os.close(fd)
    return (time.perf_counter() - began) / count * 1e6


def ram_folder() -> Path | None:
    """A folder on a RAM file system (``/dev/shm`` when it is a tmpfs), where creating a
    file costs the same whatever was deleted nearby: the Allure-on ratios without the disk's
    state. None when there is none."""
    shm = Path("/dev/shm")
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    if not any(line.split()[1:3] == [str(shm), "tmpfs"] for line in mounts if line.strip()):
        return None
    return Path(tempfile.mkdtemp(prefix="dsp-bench-ram-", dir=shm))


def _files_per_scenario(folder: Path, size: int) -> float:
    return sum(1 for entry in os.scandir(folder) if entry.is_file()) / size


def overhead(work: Path, size: int, repeats: int, no_allure: bool = True) -> Figures:
    """(1) ``dsp-conformance run`` against bare pytest-bdd / behave on the same features.

    Every run writes into a results folder of its own, and none is deleted until the part
    ends (the scratch folder goes at the end of the benchmark): on this machine's ext4 a file
    created soon after thousands were deleted nearby costs ~0.3 ms of system time instead of
    ~0.02 ms (the inode allocator skips every recently deleted inode, ``recently_deleted``),
    so deleting the previous repeat's results before each run charged each command, roughly
    quadratically in its number of files, for the previous one's cleanup."""
    features = suites.generated_suite(work / "generated", size)
    bare = suites.bare_pytest_bdd(work / "bare-pytest-bdd", features)
    bare_b = suites.bare_behave(work / "bare-behave", features)
    setup = _generate_command(size, features)
    Made = tuple[list[str], dict[str, str]]
    runs: dict[str, Callable[[Path], Made]] = {
        "harness_pytest_bdd": lambda out: (commands.harness_run(features, out), {}),
        "bare_pytest_bdd": lambda out: (commands.bare_pytest_bdd(bare, out), {}),
        "harness_behave": lambda out: (
            commands.harness_run(features, out, runner="behave"),
            {},
        ),
        "bare_behave": lambda out: (commands.bare_behave(bare_b, out), {}),
    }
    if no_allure:
        runs |= {
            "harness_pytest_bdd_no_allure": lambda _: commands.harness_runner_without_allure(
                features
            ),
            "bare_pytest_bdd_no_allure": lambda _: (commands.bare_pytest_bdd(bare, None), {}),
            "harness_behave_no_allure": lambda _: commands.harness_behave_without_allure(features),
            "bare_behave_no_allure": lambda _: (commands.bare_behave(bare_b, None), {}),
        }
    ram = ram_folder()
    if ram is not None:  # the same four commands, their results in RAM
        for side in ("harness_pytest_bdd", "bare_pytest_bdd", "harness_behave", "bare_behave"):
            made = runs[side]
            runs[f"{side}_ram"] = lambda out, made=made: made(ram / out.name)
    results = work / "results"
    create_before = file_create_probe(results)

    def variant(name: str, make: Callable[[Path], Made]) -> Callable[[int], Timed]:
        def measure(round_: int) -> Timed:
            command, env = make(results / f"{name}-{round_}")  # a new, empty folder
            return run_timed(command, env=env, timeout=TIMEOUT, accept=(0,))

        return measure

    try:
        timings = _repeat({k: variant(k, v) for k, v in runs.items()}, repeats)
    finally:
        if ram is not None:
            shutil.rmtree(ram, ignore_errors=True)
    create_after = file_create_probe(results)
    figures = Figures()
    probe_note = (
        "µs to create, write (1 KB) and close a file beside the results folders "
        "(2,000 files): the file system's state, on which the Allure-on ratios depend"
    )
    probe = "benchmarks.suite_runs.file_create_probe($WORK/overhead/results), before and after"
    figures.add("overhead_file_create_us_before", create_before, "µs", probe, probe_note)
    figures.add("overhead_file_create_us_after", create_after, "µs", probe, probe_note)
    for side in ("harness_pytest_bdd", "bare_pytest_bdd", "harness_behave", "bare_behave"):
        figures.add(
            f"{side}_files_per_scenario",
            _files_per_scenario(results / f"{side}-0", size),
            "files",
            f"ls $WORK/overhead/results/{side}-0 | wc -l, ÷ {size}",
            "files in one run's results folder ÷ scenarios (results, attachments, side files)",
        )
    for name, make in runs.items():
        command, env = make(results / f"{name}-N")
        text = f"{setup} && {shell(command, env)}"
        seconds = fastest(timings[name])
        figures.add(
            f"{name}_seconds",
            seconds,
            "s",
            text.replace(str(ram), "$RAM") if ram is not None else text,
            f"fastest of {repeats}, {size} scenarios; {seconds / size * 1000:.1f} ms per scenario",
        )
        figures.add(f"{name}_cpu_seconds", least_cpu(timings[name]), "s", "the same command", "")
    suffixes = ("", "_no_allure") if no_allure else ("",)
    suffixes += ("_ram",) if ram is not None else ()
    for runner in ("pytest_bdd", "behave"):
        for suffix in suffixes:
            what = f"harness ÷ bare {runner}" + (
                ", no Allure results (the harness side is its runner process alone)"
                if suffix == "_no_allure"
                else ", Allure results on (the harness side is all of run: the lint, cached by "
                "content, the runner enriching as it writes, the verdicts, the manifest)"
                + (", the results on a RAM file system (/dev/shm)" if suffix == "_ram" else "")
            )
            for measure, unit_key in (("", "seconds"), ("_cpu", "cpu_seconds")):
                harness = figures.values[f"harness_{runner}{suffix}_{unit_key}"].value
                baseline = figures.values[f"bare_{runner}{suffix}_{unit_key}"].value
                figures.add(
                    f"overhead{measure}_ratio_{runner}{suffix}",
                    harness / baseline,
                    "×",
                    "ratio of the two commands above",
                    what + (" — wall time" if not measure else " — CPU time"),
                )
    return figures


def parallel(work: Path, size: int, repeats: int, workers: int = 2) -> Figures:
    """(2) ``run -n 2`` against ``run -n 0`` on the same suite, and identical verdicts."""
    features = suites.generated_suite(work / "generated", size)
    setup = _generate_command(size, features)
    serial_cmd = commands.harness_run(features, work / "r-serial")
    parallel_cmd = commands.harness_run(features, work / "r-parallel", workers=workers)

    def variant(command: list[str], folder: str) -> Callable[[int], Timed]:
        def measure(_: int) -> Timed:
            _fresh(work / folder)
            return run_timed(command, timeout=TIMEOUT)

        return measure

    timings = _repeat(
        {
            "serial": variant(serial_cmd, "r-serial"),
            "parallel": variant(parallel_cmd, "r-parallel"),
        },
        repeats,
    )
    serial = commands.statuses(work / "r-serial")
    in_parallel = commands.statuses(work / "r-parallel")
    if serial != in_parallel:
        differing = [
            k for k in serial.keys() | in_parallel.keys() if serial.get(k) != in_parallel.get(k)
        ]
        raise BenchmarkError(
            f"-n {workers} and -n 0 disagree on {len(differing)} scenario(s): {differing[:3]}"
        )
    figures = Figures()
    t_serial, t_parallel = fastest(timings["serial"]), fastest(timings["parallel"])
    note = f"fastest of {repeats}, {size} scenarios"
    figures.add("serial_seconds", t_serial, "s", f"{setup} && {shell(serial_cmd)}", note)
    figures.add(
        f"parallel_{workers}_seconds", t_parallel, "s", f"{setup} && {shell(parallel_cmd)}", note
    )
    figures.add(
        "xdist_speedup",
        t_serial / t_parallel,
        "×",
        "ratio of the two commands above",
        f"-n 0 ÷ -n {workers} (wall); verdicts identical for all {len(serial)} scenarios",
    )
    cpu_serial, cpu_parallel = least_cpu(timings["serial"]), least_cpu(timings["parallel"])
    figures.add("serial_cpu_seconds", cpu_serial, "s", "the same command", "")
    figures.add(f"parallel_{workers}_cpu_seconds", cpu_parallel, "s", "the same command", "")
    figures.add(
        "xdist_speedup_idle_estimate",
        cpu_serial / (cpu_parallel / workers),
        "×",
        "derived from the CPU seconds above",
        f"if the {workers} workers' CPU seconds ran side by side on otherwise idle cores: "
        "what -n buys on a machine nobody else is using",
    )
    figures.add("xdist_verdicts_identical", 1.0, "bool", "compared scenario by scenario", "")
    return figures


def scale(work: Path, sizes: Sequence[int], repeats_small: int) -> Figures:
    """(6) The cost per scenario at each size, net of the fixed cost of one run (a
    one-scenario suite, measured the same way). Cost is CPU time (of the CLI and its runner
    process): unlike wall time it hardly moves with the other work on a shared machine. The
    lint's cache is off here: the largest size runs once, so with the cache on only the
    smaller sizes' fastest repeats would be hits, and the ratio would measure the cache."""
    figures = Figures()
    no_cache = {ENV_LINT_CACHE: "off"}
    cpu: dict[int, float] = {}
    wall: dict[int, float] = {}
    for size in (1, *sizes):
        features = suites.generated_suite(work / f"scale-{size}", size)
        command = commands.harness_run(features, work / "r-scale")
        repeats = repeats_small if size <= 1000 else 1

        def measure(_: int, command: list[str] = command) -> Timed:
            _fresh(work / "r-scale")
            return run_timed(command, env=no_cache, timeout=TIMEOUT)

        timings = _repeat({"run": measure}, repeats)["run"]
        cpu[size], wall[size] = least_cpu(timings), fastest(timings)
        figures.add(
            f"scale_{size}_seconds",
            wall[size],
            "s",
            f"{_generate_command(size, features)} && {shell(command, no_cache)}",
            f"fastest of {repeats}; {cpu[size]:.2f} CPU s",
        )
        shutil.rmtree(features)
    for size in sizes:
        figures.add(
            f"scale_{size}_ms_per_scenario",
            (cpu[size] - cpu[1]) / (size - 1) * 1000,
            "ms",
            "derived",
            f"CPU (T({size}) − T(1)) ÷ {size - 1}; wall "
            f"{(wall[size] - wall[1]) / (size - 1) * 1000:.1f} ms net, "
            f"{wall[size] / size * 1000:.1f} ms gross",
        )
    first, last = sizes[0], sizes[-1]
    flatness = (
        figures.values[f"scale_{last}_ms_per_scenario"].value
        / figures.values[f"scale_{first}_ms_per_scenario"].value
    )
    figures.add(
        "scale_flatness",
        flatness,
        "×",
        "ratio of the per-scenario costs above",
        f"net CPU cost per scenario at {last} ÷ at {first}",
    )
    return figures
