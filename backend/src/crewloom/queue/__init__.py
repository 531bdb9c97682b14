"""Durable dispatch of executions: the queue in PostgreSQL holds the work and the leases; dispatchers
(in-process, or Celery on Redis) only make sure a worker looks at it soon."""

from crewloom.queue.celery_app import CeleryDispatcher
from crewloom.queue.celery_worker import HooksFactory, RunnerFactory, start_worker
from crewloom.queue.claims import claim_batch
from crewloom.queue.lease import Lease
from crewloom.queue.local import LocalDispatcher
from crewloom.queue.running import Dispatcher, ExecutionRunner
from crewloom.queue.store import (
    Claim,
    ExecutionHooks,
    LeaseLost,
    enqueue,
    fence,
    fence_many,
    hand_back,
    reap,
    release,
    request_cancel,
)

__all__ = [
    "CeleryDispatcher",
    "Claim",
    "Dispatcher",
    "ExecutionHooks",
    "ExecutionRunner",
    "HooksFactory",
    "Lease",
    "LeaseLost",
    "LocalDispatcher",
    "RunnerFactory",
    "claim_batch",
    "enqueue",
    "fence",
    "fence_many",
    "hand_back",
    "reap",
    "release",
    "request_cancel",
    "start_worker",
]
