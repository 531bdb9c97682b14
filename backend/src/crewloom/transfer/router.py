"""Export and import: flows as one JSON document, crews to and from CrewAI projects."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile, status

from crewloom.auth.permissions import Action, Resource
from crewloom.auth.principal import Allow, Principal, TenantSession
from crewloom.errors import Unprocessable
from crewloom.kit.encryption import KeyRing
from crewloom.kit.keyring import get_keyring
from crewloom.transfer import crewai_service, service
from crewloom.transfer.crewai_yaml import MAX_UNCOMPRESSED_BYTES, YamlFiles, read_zip
from crewloom.transfer.flow_document import FlowDocument
from crewloom.transfer.schemas import CrewImported, FlowImported, FlowImportIn

router = APIRouter(tags=["transfer"])

Ring = Annotated[KeyRing, Depends(get_keyring)]


@router.get("/flows/{flow_id}/export", summary="A flow with the agents, crews, tools and providers it uses")
async def export_flow(
    flow_id: uuid.UUID,
    _principal: Annotated[Principal, Depends(Allow(Resource.flows, Action.read))],
    session: TenantSession,
    version: Annotated[int | None, Query(ge=1, description="The version to export; the latest by default")] = None,
) -> FlowDocument:
    return await service.export_flow(session, flow_id, version)


@router.post(
    "/flows/import",
    status_code=status.HTTP_201_CREATED,
    summary="Create a flow from an exported document, mapping or creating what it uses (nothing is run)",
)
async def import_flow(
    payload: FlowImportIn,
    principal: Annotated[Principal, Depends(Allow(Resource.flows, Action.write))],
    session: TenantSession,
    ring: Ring,
) -> FlowImported:
    return await service.import_flow(session, principal, ring, payload)


async def _text(upload: UploadFile, field: str) -> str:
    data = await upload.read(MAX_UNCOMPRESSED_BYTES + 1)
    if len(data) > MAX_UNCOMPRESSED_BYTES:
        raise Unprocessable({"field": field, "message": f"larger than {MAX_UNCOMPRESSED_BYTES} bytes"})
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Unprocessable({"field": field, "file": upload.filename or field, "message": "not UTF-8 text"}) from exc


async def _files(file: UploadFile | None, agents_yaml: UploadFile | None, tasks_yaml: UploadFile | None) -> YamlFiles:
    if file is not None:
        if agents_yaml is not None or tasks_yaml is not None:
            raise Unprocessable({"field": "file", "message": "send either a zip or the two YAML files, not both"})
        return read_zip(await file.read(MAX_UNCOMPRESSED_BYTES + 1))
    if agents_yaml is None or tasks_yaml is None:
        missing = "agents_yaml" if agents_yaml is None else "tasks_yaml"
        raise Unprocessable({"field": missing, "message": "send a zip as file, or both agents_yaml and tasks_yaml"})
    return YamlFiles(
        agents_text=await _text(agents_yaml, "agents_yaml"),
        tasks_text=await _text(tasks_yaml, "tasks_yaml"),
        agents_name=agents_yaml.filename or "agents.yaml",
        tasks_name=tasks_yaml.filename or "tasks.yaml",
    )


@router.post(
    "/crews/import-crewai",
    status_code=status.HTTP_201_CREATED,
    summary="Create a crew and a flow from a CrewAI project (a zip, or agents.yaml and tasks.yaml)",
)
async def import_crewai(
    principal: Annotated[Principal, Depends(Allow(Resource.crews, Action.write))],
    session: TenantSession,
    file: Annotated[UploadFile | None, File(description="A zip of the project")] = None,
    agents_yaml: Annotated[UploadFile | None, File(description="config/agents.yaml")] = None,
    tasks_yaml: Annotated[UploadFile | None, File(description="config/tasks.yaml")] = None,
    name: Annotated[str | None, Form(max_length=200, description="The crew's and flow's name")] = None,
    provider_id: Annotated[
        uuid.UUID | None, Form(description="Provider of agents whose llm names none here; default: the mock")
    ] = None,
    model: Annotated[str | None, Form(max_length=200, description="Default: the provider's default model")] = None,
) -> CrewImported:
    files = await _files(file, agents_yaml, tasks_yaml)
    field_names = ("file", "file") if file is not None else ("agents_yaml", "tasks_yaml")
    options = crewai_service.CrewImportOptions(
        name=name, provider_id=provider_id, model=model, agents_field=field_names[0], tasks_field=field_names[1]
    )
    return await crewai_service.import_crewai(session, principal, files, options)


@router.get(
    "/crews/{crew_id}/export-crewai",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}, "description": "A CrewAI project; keys are never in it"}},
    summary="The crew as a CrewAI project that `crewai run` executes",
)
async def export_crewai(
    crew_id: uuid.UUID,
    _principal: Annotated[Principal, Depends(Allow(Resource.crews, Action.read))],
    session: TenantSession,
) -> Response:
    filename, data = await crewai_service.export_crewai(session, crew_id)
    return Response(
        content=data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
