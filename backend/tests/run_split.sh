#!/usr/bin/env bash
# The backend's tests as `make test` runs them: two pytest processes side by side, one for the browser tests
# (tests/e2e) and one for everything else. Most tests wait on subprocesses, timers and the browser, so the two
# overlap well even on two cores. Each has a PostgreSQL database, a Redis database and a pytest cache of its own.
#
# The other tests print as they run; the browser tests' output follows once both are done, then both pytest
# summaries. Arguments go to both processes (e.g. -x or -k EXPR). Fails when either fails, including pytest's
# exit 5 when a process selects no tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

database_url=${CREWLOOM_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/crewloom_test}
redis_url=${CREWLOOM_TEST_REDIS_URL:-redis://127.0.0.1:6379/15}
# No test passes "e2e" to tests/conftest.py's separate_database(), so this meets none of the rest's databases.
e2e_database_url=${CREWLOOM_TEST_E2E_DATABASE_URL:-${database_url}_e2e}
e2e_redis_url=${CREWLOOM_TEST_E2E_REDIS_URL:-redis://127.0.0.1:6379/14}

# Both write to pipes, not the terminal; keep pytest's colours where a person is watching.
color=()
[[ -t 1 ]] && color=(--color=yes)

logs=$(mktemp -d)
browser_pid=
cleanup() {
    # Interrupted: the browser tests, started in the background, would otherwise run on alone.
    if [[ -n $browser_pid ]]; then kill "$browser_pid" 2>/dev/null || true; fi
    rm -rf "$logs"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A cache of its own too: each process rewrites the last-failed list as it ends, dropping the other's.
CREWLOOM_TEST_DATABASE_URL=$e2e_database_url CREWLOOM_TEST_REDIS_URL=$e2e_redis_url \
    uv run pytest tests/e2e -o cache_dir=.pytest_cache_e2e "${color[@]}" "$@" >"$logs/browser.log" 2>&1 &
browser_pid=$!

others=0
CREWLOOM_TEST_DATABASE_URL=$database_url CREWLOOM_TEST_REDIS_URL=$redis_url \
    uv run pytest --ignore=tests/e2e "${color[@]}" "$@" 2>&1 | tee "$logs/others.log" || others=$?

browser=0
wait "$browser_pid" || browser=$?
browser_pid=

echo
echo "---------- browser tests (tests/e2e) ----------"
cat "$logs/browser.log"
echo
echo "---------- summaries ----------"
# printf ends the line even where a log was cut off mid-line.
echo "browser tests (tests/e2e), pytest exit $browser:"
printf '%s\n' "$(tail -n 1 "$logs/browser.log")"
echo "other tests, pytest exit $others:"
printf '%s\n' "$(tail -n 1 "$logs/others.log")"

if ((others != 0)); then exit "$others"; fi
exit "$browser"
