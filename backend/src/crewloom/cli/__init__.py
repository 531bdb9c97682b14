"""The ``crewloom`` command.

Each command imports its work when it runs, so ``crewloom --help`` stays quick and no command pulls
in more than it needs.
"""

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="crewloom",
    help="Design, run and chat with AI agent workflows.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
tenants_app = typer.Typer(help="Tenants and their schemas.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
keys_app = typer.Typer(help="Master keys that encrypt stored secrets.", no_args_is_help=True)
app.add_typer(tenants_app, name="tenants")
app.add_typer(users_app, name="users")
app.add_typer(keys_app, name="keys")

Host = Annotated[str, typer.Option(help="Address to listen on.")]
Port = Annotated[int, typer.Option(help="Port to listen on (0 picks a free one).")]


@app.command()
def up(host: Host = "127.0.0.1", port: Port = 8000) -> None:
    """Run everything on this machine: database, migrations, first administrator, API and web UI."""
    from crewloom.cli.serve import run_up

    raise typer.Exit(run_up(host, port))


@app.command()
def api(
    host: Host = "127.0.0.1",
    port: Port = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Serve the API against CREWLOOM_DATABASE_URL (run `crewloom migrate` first)."""
    from crewloom.cli.serve import run_api

    raise typer.Exit(run_api(host, port, workers))


@app.command()
def migrate(
    concurrency: Annotated[
        int | None,
        typer.Option(min=1, help="Tenant schemas migrated at once (default: CREWLOOM_MIGRATE_CONCURRENCY, 4)."),
    ] = None,
) -> None:
    """Upgrade the public schema, then every tenant schema; one status line per schema."""
    from crewloom.cli.migrate import run_migrate

    raise typer.Exit(run_migrate(concurrency))


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(min=1, help="Executions this worker runs at once.")] = 8,
    hostname: Annotated[
        str | None, typer.Option(help="Name of this worker in logs and leases (default: crewloom@<host>).")
    ] = None,
) -> None:
    """Run executions queued by the API (CREWLOOM_DISPATCHER=celery), taken from CREWLOOM_REDIS_URL."""
    from crewloom.cli.worker import run_worker

    raise typer.Exit(run_worker(concurrency, hostname))


@app.command()
def doctor(
    build_image: Annotated[
        bool, typer.Option("--build-image", help="First build the Docker sandbox image from this machine's Python.")
    ] = False,
) -> None:
    """Check the sandboxes that run custom tools: one line per backend; exit status 0 when the configured one works."""
    from crewloom.cli.doctor import run_doctor

    raise typer.Exit(run_doctor(build_image))


@tenants_app.command("list")
def tenants_list() -> None:
    """Every tenant with its schema, migration version and status."""
    from crewloom.cli.accounts import run_tenants_list

    raise typer.Exit(run_tenants_list())


@users_app.command("reset-password")
def users_reset_password(email: Annotated[str, typer.Argument(help="The account's email.")]) -> None:
    """Give an account a new random password (printed once) and sign out its sessions."""
    from crewloom.cli.accounts import run_reset_password

    raise typer.Exit(run_reset_password(email))


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Re-encrypt every stored secret of every tenant under a new master key, then drop the old keys."""
    from crewloom.cli.keys import run_rotate

    raise typer.Exit(run_rotate())


@app.command("run")
def run(
    flow: Annotated[Path, typer.Argument(help="A flow exported with GET /flows/{id}/export.")],
    input_values: Annotated[
        list[str] | None, typer.Option("--input", "-i", help="An input of the flow: NAME=value (repeatable).")
    ] = None,
    keys: Annotated[
        list[str] | None, typer.Option("--key", help="An API key for a provider of the flow: PROVIDER NAME=key.")
    ] = None,
    secrets: Annotated[
        list[str] | None, typer.Option("--secret", help="A secret of a tool of the flow: TOOL NAME.SECRET=value.")
    ] = None,
) -> None:
    """Run an exported flow here, without a server: progress per node on stderr, outputs as JSON on
    stdout; the exit status is 0 on success, 1 when the run fails, 2 for a bad file or input."""
    from crewloom.cli.run import run_document

    raise typer.Exit(run_document(flow, input_values or [], keys or [], secrets or []))


def main() -> None:
    app()
