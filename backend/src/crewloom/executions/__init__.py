"""Executions: starting runs of flows and crews, following them, cancelling and retrying them."""
