"""Engine benchmark: what Crewloom's execution path costs on top of the work it runs.

1. Orchestration overhead per node: chains of 10, 100 and 1,000 ``llm`` nodes on the ``mock`` provider at zero
   latency, run by ``crewloom api``'s in-process dispatcher, as ``crewloom up`` runs them.
2. The same crew (3 agents, 3 sequential tasks) by raw CrewAI ``Crew.kickoff`` and through Crewloom, both against
   one OpenAI-compatible server on loopback that answers after a fixed latency.
3. Executions per second of a 3-node flow through ``POST /flows/{id}/execute`` with two Celery workers.
4. Event latency seen by 500 concurrent SSE followers of running executions, on workers that have been running;
   and, for reference, the same when the workers start only once every follower waits (their first runs pay
   for compiling what a process compiles once: templates, SQL, connections).

Every execution is created through the HTTP API and run by the real ``ExecutionWorker``, which writes node runs
and events to PostgreSQL and publishes them on the event bus: in memory for figures 1 and 2, as under a plain
``crewloom up``, and Redis Streams for figures 3 and 4.

Run with ``make bench`` (or ``cd backend && uv run python ../bench/engine.py``). It works on a fresh database
``crewloom_bench_engine`` of the local server (``CREWLOOM_BENCH_ENGINE_DATABASE_URL`` overrides it), dropped at the
end, and on Redis database 13 (``CREWLOOM_BENCH_REDIS_URL``), emptied at the start and at the end. It starts
``crewloom api`` twice (in-process dispatcher, then Celery) and two ``crewloom worker`` processes, and stops them
all; no request leaves loopback. ``CREWLOOM_BENCH_EXECUTIONS`` changes the count of figure 3 (500),
``CREWLOOM_BENCH_TENANT_LIMIT`` the per-tenant running limit given to that cluster (1000), and
``CREWLOOM_BENCH_LLM_LATENCY_MS`` the latency of the loopback model server (20), and ``CREWLOOM_BENCH_FIGURES`` which
figures to measure ("1,2,3,4"). The processes, the servers and the
API calls are in ``engine_cluster.py``, the crew of figure 2 in ``engine_crew.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import logging
import math
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from annotated_types import MaxLen
from engine_cluster import (
    DATABASE_URL,
    REDIS_URL,
    TOPIC,
    Account,
    BenchError,
    Workers,
    chain,
    create,
    crewloom_env,
    empty_redis,
    event_time,
    execution,
    follow,
    mock_provider,
    on_admin_database,
    register,
    running_api,
    running_chat_server,
    start,
)
from engine_crew import CREW_AGENTS, CREW_TASKS, crewloom_crew, raw_crewai_kickoff
from sqlalchemy import func, make_url, select

from crewloom.db.engine import Database
from crewloom.db.migrations.parallel import migrate_public
from crewloom.engine.graph import Graph
from crewloom.engine.runtime.events import TERMINAL_TYPES
from crewloom.engine.tools.crewai_setup import prepare_crewai
from crewloom.kit.ids import tenant_schema_name
from crewloom.models import Execution, ExecutionEvent

CHAIN_LENGTHS = (10, 100, 1000)
GRAPH_NODE_LIMIT = next(rule.max_length for rule in Graph.model_fields["nodes"].metadata if isinstance(rule, MaxLen))
NODE_TARGET_MS = 1.0
CREW_TARGET_RATIO = 1.10
LLM_LATENCY_MS = int(os.environ.get("CREWLOOM_BENCH_LLM_LATENCY_MS", "20"))
CREW_RUNS = 5
THROUGHPUT_EXECUTIONS = int(os.environ.get("CREWLOOM_BENCH_EXECUTIONS", "500"))
THROUGHPUT_TARGET = 200.0
TENANT_LIMIT = int(os.environ.get("CREWLOOM_BENCH_TENANT_LIMIT", "1000"))
# Requests in flight at once while submitting, as a handful of busy clients would send them.
SUBMIT_CONCURRENCY = 16
SETTLE_SECONDS = 120.0
# A run whose terminal event is logged but whose row stays unsettled this long is taken as stuck.
STUCK_SECONDS = 3.0
RUN_SECONDS = 60.0
SSE_EXECUTIONS = 25
SSE_FOLLOWERS_PER_EXECUTION = 20
# Each SSE execution is a chain of slow mock calls, so that it runs for a few seconds.
SSE_CHAIN = 10
SSE_NODE_LATENCY_MS = 400
# The first model call of each SSE execution on running workers: long enough for every follower to connect while
# the executions run, so that what the followers time is the live part of running executions.
SSE_HOLD_MS = 10_000
SSE_TARGET_MS = 100.0
# Room for every SSE execution at once on the two workers.
WORKERS = ("bench-one", "bench-two")
WORKER_CONCURRENCY = math.ceil(SSE_EXECUTIONS / len(WORKERS))
SETTLED = ("succeeded", "failed", "cancelled")
FIGURES = {figure.strip() for figure in os.environ.get("CREWLOOM_BENCH_FIGURES", "1,2,3,4").split(",")}


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def percentile(values: Sequence[float], share: int) -> float:
    if len(values) < 2:
        return values[0] if values else math.nan
    return statistics.quantiles(values, n=100, method="inclusive")[share - 1]


@dataclass(frozen=True)
class Timing:
    """One execution: from the POST until it is seen settled, and from its start to its end in the worker."""

    wall_seconds: float
    engine_seconds: float


def seconds_between(started: str | None, finished: str | None) -> float:
    if started is None or finished is None:
        raise BenchError("the execution has no start or end time")
    return (datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds()


async def timed_run(api: httpx.AsyncClient, account: Account, path: str) -> Timing:
    """Starts an execution with ``path`` and follows it over SSE until it settles; a run that fails, or that does
    not settle within RUN_SECONDS, is an error."""
    began = time.perf_counter()
    execution_id = await start(api, account, path, {"topic": TOPIC})
    try:
        async with asyncio.timeout(RUN_SECONDS):
            await follow(str(api.base_url), account, execution_id)
            # The terminal event can be out before the execution's row says it settled.
            found = await execution(api, account, execution_id)
            while found["status"] not in SETTLED:
                await asyncio.sleep(0.005)
                found = await execution(api, account, execution_id)
    except TimeoutError:
        raise BenchError(f"execution {execution_id} did not settle within {RUN_SECONDS:.0f} s") from None
    wall = time.perf_counter() - began
    if found["status"] != "succeeded":
        raise BenchError(f"execution {execution_id} {found['status']}: {found['error']}")
    return Timing(wall, seconds_between(found["started_at"], found["finished_at"]))


async def orchestration_overhead(api: httpx.AsyncClient, account: Account) -> None:
    provider = await mock_provider(api, account, "Instant mock", {"latency_ms": 0})
    print("1. orchestration overhead: input -> n llm nodes (mock, 0 ms) -> output")
    print(
        "   `crewloom api` as `crewloom up` runs it: in-process dispatcher, events to PostgreSQL and the in-memory bus"
    )
    print("   per node = (finished_at - started_at) / nodes; wall = from POST /execute until the execution is settled")
    print("   each chain runs once unmeasured first: the process compiles the chain's prompt templates at that run")
    lengths = sorted({min(length, GRAPH_NODE_LIMIT - 2) for length in CHAIN_LENGTHS})
    for length in CHAIN_LENGTHS:
        if length + 2 > GRAPH_NODE_LIMIT:
            print(
                f"   {length:>5} llm nodes: cannot run, a graph holds at most {GRAPH_NODE_LIMIT} nodes"
                f" (Graph.nodes in crewloom.engine.graph); {GRAPH_NODE_LIMIT - 2} measured instead   MISSED"
            )
    flows = {
        length: await create(api, account, "flows", {"name": f"Chain of {length}", "graph": chain(provider, length)})
        for length in lengths
    }
    # The first run of a process loads what every later run reuses.
    await timed_run(api, account, f"/api/v1/flows/{flows[lengths[0]]}/execute")
    for length in lengths:
        # Each chain's prompts are its own: the process compiles them at its first run and reuses them after.
        await timed_run(api, account, f"/api/v1/flows/{flows[length]}/execute")
        runs = max(2, min(5, 300 // length))
        timings = [await timed_run(api, account, f"/api/v1/flows/{flows[length]}/execute") for _ in range(runs)]
        nodes = length + 2
        engine_ms = statistics.median(timing.engine_seconds for timing in timings) * 1000
        wall_ms = statistics.median(timing.wall_seconds for timing in timings) * 1000
        print(
            f"   {length:>5} llm nodes ({nodes:>4} in all, median of {runs}):"
            f" {engine_ms / nodes:6.2f} ms/node ({engine_ms:7.0f} ms)"
            f"   wall {wall_ms / nodes:6.2f} ms/node ({wall_ms:7.0f} ms)"
            f"   target <= {NODE_TARGET_MS:.0f} ms/node   {verdict(engine_ms / nodes <= NODE_TARGET_MS)}"
        )


async def crew_overhead(api: httpx.AsyncClient, account: Account, base_url: str) -> None:
    prepare_crewai()
    # CrewAI warns at every call that it estimates the token count of a model it does not know.
    logging.getLogger("crewai.llms.base_llm").setLevel(logging.ERROR)
    crew_id = await crewloom_crew(api, account, base_url)
    kickoff = f"/api/v1/crews/{crew_id}/kickoff"
    # Warm-up, side by side: each process imports CrewAI at its first kickoff.
    await asyncio.gather(asyncio.to_thread(raw_crewai_kickoff, base_url), timed_run(api, account, kickoff))
    raw: list[float] = []
    crewloom: list[Timing] = []
    for _ in range(CREW_RUNS):
        raw.append(await asyncio.to_thread(raw_crewai_kickoff, base_url))
        crewloom.append(await timed_run(api, account, kickoff))
    raw_ms = statistics.median(raw) * 1000
    wall_ms = statistics.median(timing.wall_seconds for timing in crewloom) * 1000
    engine_ms = statistics.median(timing.engine_seconds for timing in crewloom) * 1000
    ratio = wall_ms / raw_ms
    calls = len(CREW_TASKS)
    print(
        f"2. one crew ({len(CREW_AGENTS)} agents, {calls} sequential tasks, {calls} model calls at {LLM_LATENCY_MS} ms"
        f" on a loopback OpenAI-compatible server), median of {CREW_RUNS}, runs interleaved"
    )
    print(f"   raw CrewAI: build + Crew.kickoff               {raw_ms:7.1f} ms")
    print(
        f"   Crewloom: POST /crews/{{id}}/kickoff to settled  {wall_ms:7.1f} ms   (in the worker: {engine_ms:.1f} ms)"
    )
    print(
        f"   ratio {ratio:.2f} (Crewloom adds {(ratio - 1) * 100:+.0f}%)"
        f"   target < +{(CREW_TARGET_RATIO - 1) * 100:.0f}%   {verdict(ratio < CREW_TARGET_RATIO)}"
    )


@dataclass(frozen=True)
class Settlement:
    settled: int
    succeeded: int
    # Executions whose terminal event is in the log, settled or not.
    ended: int
    last_finished: datetime | None


async def settlement(database: Database, account: Account, ids: list[uuid.UUID]) -> Settlement:
    async with database.session(tenant_schema_name(account.tenant_id)) as session:
        ours = Execution.id.in_(ids)
        settled = select(func.count(), func.max(Execution.finished_at)).where(ours, Execution.status.in_(SETTLED))
        count, last = (await session.execute(settled)).one()
        succeeded = await session.scalar(select(func.count()).where(ours, Execution.status == "succeeded"))
        ended = await session.scalar(
            select(func.count(func.distinct(ExecutionEvent.execution_id))).where(
                ExecutionEvent.execution_id.in_(ids), ExecutionEvent.type.in_(TERMINAL_TYPES)
            )
        )
    return Settlement(int(count), int(succeeded or 0), int(ended or 0), last)


async def wait_settled(database: Database, account: Account, ids: list[uuid.UUID]) -> Settlement:
    """Where the executions stand once all of them settled, once every run has ended but the settled count has not
    moved for STUCK_SECONDS (the rest are stuck), or after SETTLE_SECONDS."""
    deadline = time.monotonic() + SETTLE_SECONDS
    found = await settlement(database, account, ids)
    moved = time.monotonic()
    while found.settled < len(ids) and time.monotonic() < deadline:
        if found.ended == len(ids) and time.monotonic() - moved > STUCK_SECONDS:
            break
        await asyncio.sleep(0.1)
        latest = await settlement(database, account, ids)
        if latest.settled != found.settled:
            moved = time.monotonic()
        found = latest
    return found


async def throughput(api: httpx.AsyncClient, account: Account, database: Database) -> None:
    provider = await mock_provider(api, account, "Instant mock", {"latency_ms": 0})
    flow_id = await create(api, account, "flows", {"name": "Three nodes", "graph": chain(provider, 1)})
    path = f"/api/v1/flows/{flow_id}/execute"
    gate = asyncio.Semaphore(SUBMIT_CONCURRENCY)

    async def submit(number: int) -> uuid.UUID:
        async with gate:
            return uuid.UUID(await start(api, account, path, {"topic": f"run {number}"}))

    print(
        f"3. throughput: input -> llm (mock, 0 ms) -> output, {THROUGHPUT_EXECUTIONS} executions through"
        f" POST /flows/{{id}}/execute ({SUBMIT_CONCURRENCY} at a time), {len(WORKERS)} Celery workers"
        f" x {WORKER_CONCURRENCY} concurrent runs"
    )
    print(f"   one tenant, its running limit raised from the default 10 to {TENANT_LIMIT}")
    # Each worker process loads what its later runs reuse on its first ones.
    await wait_settled(database, account, list(await asyncio.gather(*(submit(number) for number in range(20)))))
    began = time.time()
    ids = list(await asyncio.gather(*(submit(number) for number in range(THROUGHPUT_EXECUTIONS))))
    submitted = time.time() - began
    found = await wait_settled(database, account, ids)
    print(f"   submitted in {submitted:.2f} s ({THROUGHPUT_EXECUTIONS / submitted:.0f} POSTs/s)")
    stuck = found.ended - found.settled
    if stuck:
        print(f"   {stuck} executions stuck 'running' after their terminal event (the worker never settled them)")
    if found.last_finished is None:
        print(f"   none of {len(ids)} settled within {SETTLE_SECONDS:.0f} s   MISSED")
        return
    elapsed = found.last_finished.timestamp() - began
    rate = found.settled / elapsed
    print(
        f"   first POST to last settled {elapsed:.2f} s: {rate:6.1f} executions/s"
        f" ({found.settled} settled, {found.succeeded} succeeded)   target >= {THROUGHPUT_TARGET:.0f}/s"
        f"   {verdict(rate >= THROUGHPUT_TARGET and found.succeeded == len(ids))}"
    )


@dataclass
class LatencyProbe:
    """One SSE follower: when its stream opened, and each event it read as (emitted, read) times."""

    connected_at: float = math.inf
    received: list[tuple[float, float]] = field(default_factory=list)
    # Set once the stream is open, or once following it failed.
    settled_in: asyncio.Event = field(default_factory=asyncio.Event)

    def connected(self, at: float) -> None:
        self.connected_at = at
        self.settled_in.set()

    def read(self, at: float, event: dict[str, Any]) -> None:
        self.received.append((event_time(event), at))

    def stopped(self, _following: asyncio.Task[str]) -> None:
        self.settled_in.set()


async def sse_latency(api: httpx.AsyncClient, account: Account, workers: Workers, *, cold: bool) -> None:
    """Every event counted is emitted while all followers are connected, so none reaches them from the log as
    catch-up. On running workers (the figure), each execution's first model call holds it while the followers
    connect. ``cold``: the runs are queued while no worker is up, every follower connects, then the workers start."""
    followers = SSE_EXECUTIONS * SSE_FOLLOWERS_PER_EXECUTION
    options = {"latency_ms": SSE_NODE_LATENCY_MS, "responses": [{"reply": "Noted."}]}
    provider = await mock_provider(api, account, "Slow mock", options)
    hold = None if cold else await mock_provider(api, account, "Hold", {**options, "latency_ms": SSE_HOLD_MS})
    graph = chain(provider, SSE_CHAIN, first_provider=hold)
    flow_id = await create(api, account, "flows", {"name": f"Slow chain {cold}", "graph": graph})
    path = f"/api/v1/flows/{flow_id}/execute"
    ids = await asyncio.gather(*(start(api, account, path, {"topic": TOPIC}) for _ in range(SSE_EXECUTIONS)))
    # What this process holds already is moved out of the collector's reach: a full collection walking the whole
    # benchmark's heap would pause every follower here and be counted as the server's latency.
    gc.collect()
    gc.freeze()
    began = time.time()
    probes = [LatencyProbe() for _ in range(followers)]
    following = [
        asyncio.create_task(follow(str(api.base_url), account, execution_id, probe.read, probe.connected))
        for probe, execution_id in zip(probes, itertools.cycle(ids), strict=False)
    ]
    for probe, task in zip(probes, following, strict=True):
        task.add_done_callback(probe.stopped)
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(SETTLE_SECONDS):
            for probe in probes:
                await probe.settled_in.wait()
    connected = [probe.connected_at for probe in probes if probe.connected_at < math.inf]
    all_connected = max(connected, default=math.inf)
    if cold:
        await asyncio.to_thread(workers.start)
    done, pending = await asyncio.wait(following, timeout=SETTLE_SECONDS)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    latencies_ms = sorted(
        (received - emitted) * 1000
        for probe in probes
        for emitted, received in probe.received
        if emitted >= all_connected
    )
    ended = sum(not task.cancelled() and task.exception() is None for task in done)
    if cold:
        print("   for reference, the same on workers started once every follower waits (a cold start):")
        when = "then the workers started"
    else:
        print(
            f"4. SSE: {followers} concurrent followers ({SSE_EXECUTIONS} executions x {SSE_FOLLOWERS_PER_EXECUTION})"
            f" of running {SSE_CHAIN}-node chains (mock, {SSE_NODE_LATENCY_MS} ms a call, the first"
            f" {SSE_HOLD_MS / 1000:.0f} s) on the Celery cluster"
        )
        when = f"{began + SSE_HOLD_MS / 1000 - all_connected:.1f} s before the first calls ended"
    print(
        f"   {len(connected)} followers connected in {all_connected - began:.1f} s, {when}; {ended} saw their run end"
    )
    if not latencies_ms:
        print("   no event was read   MISSED")
        return
    p50, p99 = percentile(latencies_ms, 50), percentile(latencies_ms, 99)
    verdict_text = (
        ""
        if cold
        else f"   target p99 < {SSE_TARGET_MS:.0f} ms   {verdict(p99 < SSE_TARGET_MS and len(connected) == followers)}"
    )
    print(
        f"   {len(latencies_ms)} events read (latency = read - event's at):"
        f" p50 {p50:.1f} ms   p99 {p99:.1f} ms   max {latencies_ms[-1]:.1f} ms{verdict_text}"
    )


async def measured(number: str, figure: Coroutine[Any, Any, None]) -> None:
    """Runs one figure, if asked for; one that cannot be measured says why, and the others still run."""
    if number not in FIGURES:
        figure.close()
        return
    try:
        await figure
    except (BenchError, OSError, EOFError, httpx.HTTPError) as exc:
        print(f"   could not measure: {type(exc).__name__}: {exc}   MISSED")


async def main() -> None:
    began = time.perf_counter()
    print(
        f"Crewloom engine benchmark on database {make_url(DATABASE_URL).database} and {REDIS_URL},"
        f" {os.cpu_count()} CPUs, loopback model latency {LLM_LATENCY_MS} ms"
    )
    await on_admin_database('drop database if exists "{name}" with (force)')
    await on_admin_database('create database "{name}"')
    await empty_redis()
    database = Database(DATABASE_URL, pool_size=1, max_overflow=0)
    try:
        await migrate_public(DATABASE_URL)
        with (
            tempfile.TemporaryDirectory(prefix="crewloom-bench-") as data_dir,
            running_chat_server(LLM_LATENCY_MS / 1000) as chat,
        ):
            # CrewAI keeps a file of each kickoff's task outputs under the user's data directory.
            os.environ["XDG_DATA_HOME"] = data_dir
            with running_api(crewloom_env(Path(data_dir), redis=False)) as base_url:
                async with httpx.AsyncClient(base_url=base_url, timeout=60) as api:
                    account = await register(api, "Engine bench")
                    await measured("1", orchestration_overhead(api, account))
                    await measured("2", crew_overhead(api, account, chat.base_url))
            cluster = crewloom_env(
                Path(data_dir), redis=True, dispatcher="celery", max_running_per_tenant=str(TENANT_LIMIT)
            )
            workers = Workers(cluster, list(WORKERS), WORKER_CONCURRENCY)
            with running_api(cluster) as base_url:
                try:
                    async with httpx.AsyncClient(base_url=base_url, timeout=60) as api:
                        account = await register(api, "Cluster bench")
                        await asyncio.to_thread(workers.start)
                        await measured("3", throughput(api, account, database))
                        await measured("4", sse_latency(api, account, workers, cold=False))
                        # Stopped, so that the cold runs wait in the queue until every follower is connected.
                        await asyncio.to_thread(workers.stop)
                        await measured("4", sse_latency(api, account, workers, cold=True))
                finally:
                    workers.stop()
    finally:
        await database.dispose()
        await empty_redis()
        await on_admin_database('drop database if exists "{name}" with (force)')
    print(f"done in {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    asyncio.run(main())
