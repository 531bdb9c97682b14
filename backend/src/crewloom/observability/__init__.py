"""Seeing what a running Crewloom does: Prometheus metrics (``metrics``, served by ``router`` and by workers
on their own port), log lines with the context of each request and execution (``logging``, ``context``),
the middleware that observes every request (``asgi``) and traces (``tracing``).

Nothing is imported here: the engine and the queue import the leaf modules they record into."""
