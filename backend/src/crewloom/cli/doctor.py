"""``crewloom doctor``: whether each sandbox for custom tools works on this machine, and why not."""

from __future__ import annotations

import typer

from crewloom.config import Settings
from crewloom.sandbox import SandboxUnavailable, diagnose


def run_doctor(build_image: bool) -> int:
    """One line per backend; 0 when the configured backend works, 1 otherwise."""
    settings = Settings()
    if build_image:
        from crewloom.sandbox.docker_image import build_python_image

        try:
            image = build_python_image(settings)
        except SandboxUnavailable as error:
            typer.echo(str(error), err=True)
            return 1
        typer.echo(f"built {settings.sandbox_image} ({image})")
    reports = diagnose(settings)
    for report in reports:
        state = "works" if report.works else "does not work"
        marker = " (configured)" if report.configured else ""
        typer.echo(f"{report.name}{marker}: {state}: {report.reason}")
    configured = next(report for report in reports if report.configured)
    if not configured.works:
        typer.echo(f"custom tools cannot run: the configured sandbox ({configured.name}) does not work", err=True)
        return 1
    return 0
