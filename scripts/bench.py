"""`make bench`: Refund Desk against the stock `rasa init` bot, side by side, in one run.

Refund Desk is measured as `make run` starts it by default (no Redis: two Rasa workers on this
machine sharing the SQLite lock and tracker stores), and as it starts with REDIS_URL (a
throwaway Redis; skipped when redis-server is not installed). Each bot runs alone (one set of
servers at a time) under the same load over REST, on loopback:

1. closed loop: 1 conversation at a time, then 10 at once, 20 whole conversations per level;
   p50, p95 and messages per second;
2. open loop: conversations arrive at a fixed rate, customers pause 1-3 s between messages; a
   bounded search finds the highest arrival rate each bot sustains with p95 under 300 ms;
3. where the time goes in one Refund Desk turn (NLU, policies, action-server round trips,
   database), measured in-process with the same model;
4. resident memory of each Rasa server process.

The stock bot is created with `rasa init --no-prompt` (offline: the project template ships with
Rasa) and trained once into a cache folder (BENCH_CACHE, default var/bench/stock), reused by later
runs. Refund Desk conversations are whole refund requests ending with a record and its reference;
stock conversations are five turns of the stock bot's own intents.

Figures depend on whatever else the machine is doing; compare the two bots only within one run.
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import statistics
import subprocess
import secrets
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project, to import it
from refund_desk.settings import PROJECT_ROOT as ROOT  # noqa: E402
from tests.support.load import REFERENCE, REFUND_SCRIPT, play_all, rest_turn  # noqa: E402
from tests.support.servers import (VENV_BIN, free_port, latest_model, running_assistant,  # noqa: E402
                                   stop, wait_until_up)

# The stock bot's own intents: greet, mood_unhappy (cheer up + did that help?), affirm,
# bot_challenge, goodbye. Every turn gets an answer.
STOCK_SCRIPT = ["hello", "I am very sad", "yes", "are you a bot?", "goodbye"]
P95_TARGET_MS = 300.0
MAX_PROBES = 12  # open-loop probes per bot: doubling from 0.5 conv/s to 64 takes 8, bisecting 3-4 more
# Each conversation its own invoice number (drawn without repeats), so every Refund Desk
# conversation opens its own record and the count of records checks that none was lost.
_INVOICES = itertools.count(random.SystemRandom().randrange(100_000, 500_000))


def new_invoice() -> str:
    return f"INV-{next(_INVOICES)}"  # itertools.count is safe across the bench's threads


# --------------------------------------------------------------------------------------------
# A bot under load


@dataclass
class Bot:
    """A bot under test: how to play one whole conversation, and how to check it ended well."""

    name: str
    url: str
    script: list[str]
    pids: Callable[[], list[int]]
    check_end: Callable[[str], bool]
    setup: str = ""
    references: list[str] = field(default_factory=list)  # what customers were told (Refund Desk)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def conversation(self, record: Callable[[float], None], pause: Optional[Callable[[], float]] = None) -> None:
        """One whole conversation; `record` gets each turn's latency in seconds."""
        sender = f"bench-{uuid.uuid4().hex[:12]}"
        invoice = new_invoice()
        said = []
        for i, line in enumerate(self.script):
            if pause is not None and i:
                time.sleep(pause())
            started = time.perf_counter()
            replies, _ = rest_turn(self.url, sender, line.format(invoice=invoice))
            elapsed = time.perf_counter() - started
            if not replies:
                raise RuntimeError(f"{self.name}: no reply to {line!r}")
            said.append(" ".join(r.get("text") or "" for r in replies))
            record(elapsed)
        if not self.check_end(" ".join(said)):
            raise RuntimeError(f"{self.name}: conversation {sender} ended badly: {' | '.join(said)[-400:]}")
        with self.lock:
            self.references += REFERENCE.findall(" ".join(said))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(round(q * len(ordered))) - 1))]


# --------------------------------------------------------------------------------------------
# Closed loop: N conversations at once, each starting its next turn as soon as it has the reply


def closed_loop(bot: Bot, concurrency: int, conversations: int) -> dict[str, float]:
    latencies: list[float] = []
    lock = threading.Lock()

    def record(seconds: float) -> None:
        with lock:
            latencies.append(seconds)

    started = time.perf_counter()
    errors = play_all(conversations, concurrency, lambda _: bot.conversation(record))
    wall = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} conversations failed; first: {errors[0]}")
    return {"messages": len(latencies), "p50_ms": statistics.median(latencies) * 1000,
            "p95_ms": percentile(latencies, 0.95) * 1000, "per_s": len(latencies) / wall}


# --------------------------------------------------------------------------------------------
# Open loop: conversations arrive at a fixed rate whatever the bot's speed


def open_loop(bot: Bot, rate: float, window: float, seed: int = 7) -> dict[str, float]:
    """Conversations start every 1/rate s for `window` s; customers pause 1-3 s between messages."""
    rng = random.Random(seed)
    pauses = [rng.uniform(1.0, 3.0) for _ in range(10_000)]
    latencies: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    count = max(2, int(rate * window))

    def record(seconds: float) -> None:
        with lock:
            latencies.append(seconds)

    def customer(index: int) -> None:
        own = iter(pauses[index * 5 % 9000:])
        try:
            bot.conversation(record, pause=lambda: next(own))
        except Exception as exc:  # noqa: BLE001
            with lock:
                errors.append(exc)

    threads = []
    start = time.perf_counter()
    for i in range(count):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        t = threading.Thread(target=customer, args=(i,), daemon=True)
        t.start()
        threads.append(t)
    deadline = time.perf_counter() + 90
    for t in threads:
        t.join(max(0.0, deadline - time.perf_counter()))
    unfinished = sum(t.is_alive() for t in threads)
    return {"rate": rate, "conversations": count, "messages": len(latencies),
            "p95_ms": percentile(latencies, 0.95) * 1000 if latencies else float("inf"),
            "p50_ms": statistics.median(latencies) * 1000 if latencies else float("inf"),
            "failed": len(errors) + unfinished}


def sustained_rate(bot: Bot, window: float, budget_s: float, start_rate: float = 0.5,
                   log: Callable[[str], None] = print) -> tuple[float, list[dict[str, float]]]:
    """Highest arrival rate (conversations/s) with p95 < 300 ms and no failures.

    Doubles the rate until a probe fails, then bisects between the last pass and the first
    failure until they are within 15% of each other; stops at MAX_PROBES probes or when the time
    budget is spent. (With 8 probes, a bot that passed at 32 conversations/s stopped at its first
    failure, 64, without a bisection: its rate was under-reported at 32.)
    """
    probes: list[dict[str, float]] = []
    started = time.monotonic()
    good, bad, rate = 0.0, None, start_rate
    while len(probes) < MAX_PROBES and time.monotonic() - started < budget_s:
        r = open_loop(bot, rate, window)
        ok = r["failed"] == 0 and r["p95_ms"] < P95_TARGET_MS
        probes.append({**r, "ok": ok})
        log(f"    {rate:6.2f} conv/s ({rate * len(bot.script):5.1f} msgs/s offered): p50 {r['p50_ms']:5.0f} ms, "
            f"p95 {r['p95_ms']:6.0f} ms, failed {r['failed']} -> {'ok' if ok else 'too slow'}")
        if ok:
            good = rate
        else:
            bad = rate
        if bad is None:
            rate *= 2
        elif bad - good <= max(0.1, 0.15 * bad):
            break
        else:
            rate = (good + bad) / 2 if good else bad / 2
    return good, probes


# --------------------------------------------------------------------------------------------
# Memory


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def process_tree(pid: int) -> list[int]:
    """The process and its descendants (Sanic workers are children of the main process)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def memory_line(bot: Bot) -> str:
    sizes = [(p, rss_mb(p)) for p in bot.pids()]
    sizes = [(p, s) for p, s in sizes if s > 50]  # the Rasa processes, not helper shells
    return ", ".join(f"{s:.0f} MB" for _, s in sizes) or "unknown"


# --------------------------------------------------------------------------------------------
# The two bots


def stock_model(cache: Path) -> Path:
    """The stock `rasa init` bot, created and trained once into `cache`."""
    models = sorted((cache / "models").glob("*.tar.gz")) if (cache / "models").is_dir() else []
    if models:
        return models[-1]
    print(f"creating and training the stock `rasa init` bot in {cache} (once; cached for later runs)")
    cache.mkdir(parents=True, exist_ok=True)
    log = cache.parent / "stock-init.log"
    with log.open("w") as out:
        subprocess.run([str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir", "."], cwd=cache,
                       stdout=out, stderr=subprocess.STDOUT, check=True, env=bench_env())
    models = sorted((cache / "models").glob("*.tar.gz"))
    if not models:
        raise RuntimeError(f"`rasa init` trained no model: see {log}")
    return models[-1]


def bench_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false")
    env.update(extra)
    return env


@contextmanager
def stock_bot(cache: Path) -> Iterator[Bot]:
    model = stock_model(cache)
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="bench-stock-"))
    cmd = [str(VENV_BIN / "rasa"), "run", "--port", str(port), "--interface", "127.0.0.1",
           "--model", str(model), "--credentials", str(cache / "credentials.yml"),
           "--endpoints", str(cache / "endpoints.yml")]
    env = bench_env()
    env.pop("SANIC_WORKERS", None)  # as `rasa init` ships: one worker, in-memory stores
    log = workdir / "rasa.log"
    proc = subprocess.Popen(cmd, cwd=cache, env=env, stdout=log.open("a"), stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/", proc, log, timeout=900)
        yield Bot("stock rasa init", f"http://127.0.0.1:{port}", STOCK_SCRIPT,
                  lambda: process_tree(proc.pid), lambda said: "Bye" in said,
                  "1 Sanic worker, in-memory stores, no action server")
    finally:
        stop(proc, timeout=30)


@contextmanager
def refund_desk(name: str, extra_env: dict[str, str], model: Path) -> Iterator[Bot]:
    # as long as the stock bot may take: each worker loads the model, on a machine that may be busy
    with running_assistant(extra_env=extra_env, model=model, start_timeout=900) as assistant:
        rasa_proc = assistant.processes[1]
        workers = extra_env.get("SANIC_WORKERS", "1")
        a_workers = extra_env.get("ACTION_SERVER_SANIC_WORKERS", "1")
        setup = (f"{workers} Rasa Sanic worker(s), {a_workers} action-server worker(s), "
                 f"records in {'PostgreSQL' if 'postgresql' in assistant.env['DATABASE_URL'] else 'SQLite'}"
                 + (", Redis lock + tracker store" if assistant.env.get("REDIS_URL")
                    else ", SQLite lock + tracker store"))
        bot = Bot(name, assistant.rasa_url, REFUND_SCRIPT, lambda: process_tree(rasa_proc.pid),
                  lambda said: bool(REFERENCE.search(said)), setup)
        yield bot
        stored = {r["reference"] for r in assistant.cli_json("requests", "list")}
        missing = set(bot.references) - stored
        print(f"  records opened during the run: {len(stored)}; of the {len(set(bot.references))} references "
              f"customers were given, {len(missing)} missing from the records")


# --------------------------------------------------------------------------------------------
# Where the time goes in one Refund Desk turn (in-process, instrumented copy of the same model)


def turn_breakdown(model: Path, conversations: int = 6, nlu_messages: int = 200) -> list[str]:
    """Times NLU, policy predictions, action-server round trips and database writes per turn.

    Loads the model into this process with rasa.core.agent, points it at a real action server,
    plays whole refund conversations and wraps the processor's steps with timers.
    """
    from tests.support.servers import start_action_server

    workdir = Path(tempfile.mkdtemp(prefix="bench-breakdown-"))
    action_port = free_port()
    db_url = f"sqlite:///{workdir / 'records.db'}"
    secret = secrets.token_urlsafe(24)  # the action server answers 401 without it
    env = bench_env(DATABASE_URL=db_url, PYTHONPATH=str(ROOT), ACTION_SERVER_SECRET=secret,
                    ACTION_SERVER_URL=f"http://127.0.0.1:{action_port}/webhook")
    action_proc = start_action_server(env, action_port, workdir)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    saved_stderr = os.dup(2)  # TensorFlow and Rasa warnings go to a log, not between the figures
    with (workdir / "breakdown.log").open("w") as quiet:
        os.dup2(quiet.fileno(), 2)
    try:
        return asyncio.run(_breakdown(model, f"http://127.0.0.1:{action_port}/webhook", secret, db_url,
                                      conversations, nlu_messages))
    finally:
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
        stop(action_proc)


async def _breakdown(model: Path, action_url: str, secret: str, db_url: str, conversations: int,
                     nlu_messages: int) -> list[str]:
    import logging

    logging.disable(logging.WARNING)
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    from rasa.core.actions.action import RemoteAction
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    agent = Agent.load(str(model), action_endpoint=EndpointConfig(
        url=action_url, headers={"Authorization": f"Bearer {secret}"}))
    processor = agent.processor
    spent: dict[str, float] = {"nlu": 0.0, "policies": 0.0, "actions": 0.0, "turn": 0.0}
    counts: dict[str, int] = {"nlu": 0, "policies": 0, "actions": 0, "turn": 0}

    original_parse = processor.parse_message
    original_predict = processor._predict_next_with_tracker
    original_remote = RemoteAction.run

    async def timed_parse(*args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return await original_parse(*args, **kwargs)
        finally:
            spent["nlu"] += time.perf_counter() - t
            counts["nlu"] += 1

    def timed_predict(*args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return original_predict(*args, **kwargs)
        finally:
            spent["policies"] += time.perf_counter() - t
            counts["policies"] += 1

    per_action: dict[str, list[float]] = {}

    async def timed_remote(self: Any, *args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return await original_remote(self, *args, **kwargs)
        finally:
            spent["actions"] += time.perf_counter() - t
            counts["actions"] += 1
            per_action.setdefault(self.name(), []).append(time.perf_counter() - t)

    processor.parse_message = timed_parse  # type: ignore[method-assign]
    processor._predict_next_with_tracker = timed_predict  # type: ignore[method-assign]
    RemoteAction.run = timed_remote  # type: ignore[method-assign]
    try:
        async def play(n: int) -> None:
            for _ in range(n):
                sender = f"breakdown-{uuid.uuid4().hex[:10]}"
                invoice = new_invoice()
                said = []
                for line in REFUND_SCRIPT:
                    t = time.perf_counter()
                    replies = await agent.handle_text(line.format(invoice=invoice), sender_id=sender)
                    spent["turn"] += time.perf_counter() - t
                    counts["turn"] += 1
                    said += [r.get("text") or "" for r in replies or []]
                if not REFERENCE.search(" ".join(said)):
                    raise RuntimeError(f"breakdown conversation ended without a reference: {said}")

        await play(1)  # warm-up
        for key in spent:
            spent[key], counts[key] = 0.0, 0
        per_action.clear()
        await play(conversations)
    finally:
        RemoteAction.run = original_remote  # type: ignore[method-assign]

    turns = counts["turn"]
    per_turn = {k: spent[k] / turns * 1000 for k in spent}
    other = per_turn["turn"] - per_turn["nlu"] - per_turn["policies"] - per_turn["actions"]

    # NLU alone, per message, the model's parse over many messages
    samples = [line.format(invoice="INV-20431") for line in REFUND_SCRIPT]
    t = time.perf_counter()
    for i in range(nlu_messages):
        await original_parse(_user_message(samples[i % len(samples)]))
    nlu_each = (time.perf_counter() - t) / nlu_messages * 1000

    db_each = _database_write_ms(db_url)
    lines = [
        f"  one turn in-process: {per_turn['turn']:.1f} ms on average over {turns} turns "
        f"({conversations} refund conversations)",
        f"    NLU (parse_message):            {per_turn['nlu']:6.1f} ms  ({counts['nlu'] / turns:.1f} per turn; "
        f"alone: {nlu_each:.1f} ms per message over {nlu_messages})",
        f"    policies (next-action predictions): {per_turn['policies']:6.1f} ms  "
        f"({counts['policies'] / turns:.1f} predictions per turn, "
        f"{spent['policies'] / max(1, counts['policies']) * 1000:.1f} ms each)",
        f"    action-server round trips:      {per_turn['actions']:6.1f} ms  "
        f"({counts['actions'] / turns:.1f} per turn, "
        f"{spent['actions'] / max(1, counts['actions']) * 1000:.1f} ms each, database included)",
        f"      of which database (one record written per conversation): {db_each:.1f} ms per record "
        f"= {db_each / len(REFUND_SCRIPT):.1f} ms per turn",
        f"    the rest (tracker, events, responses): {other:6.1f} ms",
        "    action-server calls per conversation: " + ", ".join(
            f"{name} {len(times) / conversations:.0f}x {statistics.mean(times) * 1000:.1f} ms"
            for name, times in sorted(per_action.items())),
    ]
    return lines


def _user_message(text: str) -> Any:
    from rasa.core.channels.channel import UserMessage

    return UserMessage(text, sender_id="nlu-bench")


def _database_write_ms(db_url: str, n: int = 30) -> float:
    from refund_desk.records import NewRequest, RecordStore

    store = RecordStore(db_url)
    started = time.perf_counter()
    for i in range(n):
        store.open_request(NewRequest(kind="refund", invoice_number=f"INV-{900000 + i}", service_date="2026-11-20",
                                      refund_reason="duplicate_payment", customer_name="Jane Doe",
                                      customer_email="jane@example.com", refund_policy="bench", channel="rest",
                                      sender_id=f"db-bench-{i}"))
    return (time.perf_counter() - started) / n * 1000


# --------------------------------------------------------------------------------------------


# The ways `make run` starts Refund Desk: by default (no Redis), and with REDIS_URL.
SETUPS = {"default": "Refund Desk (make run)", "redis": "Refund Desk (REDIS_URL)"}


@contextmanager
def refund_desk_settings(setup: str, workers: int = 0) -> Iterator[dict[str, str]]:
    """Refund Desk's serving settings for the bench: what `make run` uses on this machine.

    The worker counts come from deploy.workers, as for `make run` (`workers` > 0 sets the Rasa
    workers instead). "default": the SQLite lock and tracker stores in the assistant's own
    folder; "redis": a throwaway Redis (tests/support/redis.py) as REDIS_URL.
    """
    from deploy.workers import memory_gb, worker_counts

    rasa, actions = worker_counts({}, True, os.cpu_count() or 1, memory_gb())
    env = {"SANIC_WORKERS": str(workers or rasa), "ACTION_SERVER_SANIC_WORKERS": str(actions)}
    if setup == "default":
        yield env
        return
    from tests.support.redis import temporary_redis

    with temporary_redis() as url:
        yield {**env, "REDIS_URL": url}


def chosen_setups(wanted: str) -> list[str]:
    """The setups asked for (comma-separated), without Redis when redis-server is not installed."""
    import shutil

    setups = [s.strip() for s in wanted.split(",") if s.strip()]
    unknown = [s for s in setups if s not in SETUPS]
    if unknown:
        raise SystemExit(f"--setups: unknown {unknown}; choose from {', '.join(SETUPS)}")
    if "redis" in setups and not shutil.which("redis-server"):
        print("redis-server is not installed: the REDIS_URL start is not measured "
              "(scripts/install-test-deps.sh installs it)")
        setups.remove("redis")
    return setups


@dataclass
class Result:
    setup: str = ""
    levels: dict[int, dict[str, float]] = field(default_factory=dict)
    rate: float = 0.0
    memory: str = ""


def measure(bot: Bot, args: argparse.Namespace) -> Result:
    result = Result(setup=bot.setup)
    print(f"\n== {bot.name}: {bot.setup}")
    for _ in range(2):
        bot.conversation(lambda s: None)  # warm-up: first-turn costs
    print(f"  {'concurrent':>10} {'messages':>9} {'p50 ms':>8} {'p95 ms':>8} {'msgs/s':>8}")
    for level in (1, 10):
        r = closed_loop(bot, level, args.conversations)
        result.levels[level] = r
        print(f"  {level:>10} {r['messages']:>9} {r['p50_ms']:>8.0f} {r['p95_ms']:>8.0f} {r['per_s']:>8.1f}")
    if args.open_loop_budget > 0:
        print(f"  open loop ({args.window:.0f} s of arrivals per probe, pauses 1-3 s between messages):")
        result.rate, _ = sustained_rate(bot, args.window, args.open_loop_budget)
        print(f"  sustained with p95 < {P95_TARGET_MS:.0f} ms: {result.rate:.2f} conversations/s "
              f"({result.rate * len(bot.script):.1f} msgs/s)")
    result.memory = memory_line(bot)
    print(f"  Rasa server resident memory: {result.memory}")
    return result


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=20, help="conversations per closed-loop level")
    parser.add_argument("--window", type=float, default=10.0, help="seconds of arrivals per open-loop probe")
    parser.add_argument("--open-loop-budget", type=float, default=320.0,
                        help="seconds each bot's open-loop search may take (0: skip)")
    parser.add_argument("--cache", type=Path, default=Path(os.environ.get("BENCH_CACHE", ROOT / "var/bench/stock")))
    parser.add_argument("--skip-breakdown", action="store_true")
    parser.add_argument("--breakdown-only", action="store_true", help="only where the time goes in one turn")
    parser.add_argument("--model", type=Path, help="Refund Desk model (default: the latest in models/)")
    parser.add_argument("--workers", type=int, default=0,
                        help="Rasa Sanic workers for Refund Desk (0: as make run picks)")
    parser.add_argument("--setups", default=",".join(SETUPS),
                        help=f"Refund Desk starts to measure, comma-separated (default: {','.join(SETUPS)})")
    parser.add_argument("--only", choices=("stock", "refund-desk"), help="measure one bot only")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)

    started = time.monotonic()
    model = args.model or latest_model()
    if args.breakdown_only:
        for line in turn_breakdown(model):
            print(line)
        return 0
    setups = chosen_setups(args.setups) if args.only != "stock" else []
    print(f"make bench on {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
          f"load average {os.getloadavg()[0]:.1f} at start (other work on the machine skews the figures)")
    print(f"closed loop: {args.conversations} whole conversations per level, 5 turns each, over REST")
    results: dict[str, Result] = {}
    if args.only in (None, "stock"):
        with stock_bot(args.cache.resolve()) as bot:
            results["stock"] = measure(bot, args)
    for setup in setups:
        with refund_desk_settings(setup, args.workers) as extra_env, refund_desk(SETUPS[setup], extra_env, model) as bot:
            results[setup] = measure(bot, args)
    if setups and not args.skip_breakdown:
        print("\n== where the time goes in one Refund Desk turn (in-process, same model, one at a time)")
        for line in turn_breakdown(model):
            print(line)

    for setup in setups if "stock" in results else []:
        print_comparison(SETUPS[setup], results[setup], results["stock"], args.open_loop_budget > 0)
    print(f"\nmake bench took {(time.monotonic() - started) / 60:.1f} minutes")
    return 0


def print_comparison(name: str, d: Result, s: Result, open_loop: bool) -> None:
    print(f"\n== {name} / stock rasa init bot (same run, same machine)")
    print(f"  1 conversation p50:     {d.levels[1]['p50_ms']:.0f} ms vs {s.levels[1]['p50_ms']:.0f} ms "
          f"-> {ratio(s.levels[1]['p50_ms'], d.levels[1]['p50_ms'])} as fast (target >= 1x)")
    print(f"  10 at once msgs/s:      {d.levels[10]['per_s']:.1f} vs {s.levels[10]['per_s']:.1f} "
          f"-> {ratio(d.levels[10]['per_s'], s.levels[10]['per_s'])} (target >= 2x)")
    print(f"  10 at once p95:         {d.levels[10]['p95_ms']:.0f} ms vs {s.levels[10]['p95_ms']:.0f} ms")
    if open_loop:
        print(f"  open loop, p95 < 300 ms: {d.rate:.2f} vs {s.rate:.2f} conversations/s "
              f"-> {ratio(d.rate, s.rate)} (target >= 2x)")
    print(f"  Rasa RSS per process:   {d.memory} vs {s.memory} (target < 1200 MB per worker)")


if __name__ == "__main__":
    sys.exit(main())
