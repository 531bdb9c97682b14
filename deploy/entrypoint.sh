#!/usr/bin/env bash
# The image's entrypoint: the first argument chooses the process, the rest is passed on to it.
#   api      serves the API and the web UI on CREWLOOM_API_PORT (8000), CREWLOOM_API_PROCESSES processes (1)
#   worker   runs queued executions, CREWLOOM_WORKER_CONCURRENCY at once (8)
#   migrate  upgrades the public schema and every tenant schema, then exits
# Any other crewloom command runs as given, e.g. `tenants list` or `doctor`.
set -euo pipefail

if [[ $# -eq 0 ]]; then
    echo "usage: crewloom-entrypoint api|worker|migrate|<crewloom command> [options]" >&2
    exit 64
fi
role=$1
shift
case "$role" in
    api)
        exec crewloom api --host "${CREWLOOM_API_HOST:-0.0.0.0}" --port "${CREWLOOM_API_PORT:-8000}" \
            --workers "${CREWLOOM_API_PROCESSES:-1}" "$@"
        ;;
    worker)
        exec crewloom worker --concurrency "${CREWLOOM_WORKER_CONCURRENCY:-8}" "$@"
        ;;
    migrate)
        exec crewloom migrate "$@"
        ;;
    *)
        exec crewloom "$role" "$@"
        ;;
esac
