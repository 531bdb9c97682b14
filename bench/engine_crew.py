"""The crew of the engine benchmark's figure 2 (``engine.py``), built twice: with CrewAI's own classes, as a CrewAI
program would, and through Crewloom's API. Both use the same OpenAI-compatible server.

Running this file by itself does nothing: ``make bench`` runs every ``bench/*.py``, and this one only holds
definitions for ``engine.py``.
"""

from __future__ import annotations

import time

import httpx
from engine_cluster import TOPIC, Account, create

MODEL = "bench-model"
# (name, role, goal, backstory) of each agent, and the tasks as (key, description, agent name).
CREW_AGENTS = (
    ("Researcher", "Researcher", "Find the facts about {topic}", "A careful reader of sources."),
    ("Writer", "Writer", "Write clearly about {topic}", "A science journalist."),
    ("Editor", "Editor", "Make the article about {topic} right", "A strict editor."),
)
CREW_TASKS = (
    ("research", "Collect five facts about {topic}.", "Researcher"),
    ("write", "Write a short article about {topic} from the facts.", "Writer"),
    ("edit", "Edit the article about {topic} for accuracy.", "Editor"),
)


def raw_crewai_kickoff(base_url: str) -> float:
    """Seconds to build the crew with CrewAI's own classes and kick it off, as a CrewAI program would."""
    # Imported here, after prepare_crewai() has quietened it, and off the event loop: the import takes seconds.
    from crewai import LLM, Agent, Crew, Process, Task

    began = time.perf_counter()
    agents = {
        name: Agent(
            role=role,
            goal=goal,
            backstory=backstory,
            llm=LLM(model=f"openai/{MODEL}", base_url=base_url, api_key="bench-key"),
            verbose=False,
        )
        for name, role, goal, backstory in CREW_AGENTS
    }
    tasks = [
        Task(name=key, description=description, expected_output="A few lines of text", agent=agents[agent])
        for key, description, agent in CREW_TASKS
    ]
    crew = Crew(
        agents=list(agents.values()),
        tasks=tasks,
        process=Process.sequential,
        verbose=False,
        memory=False,
        cache=False,
        tracing=False,
    )
    crew.kickoff(inputs={"topic": TOPIC})
    return time.perf_counter() - began


async def crewloom_crew(api: httpx.AsyncClient, account: Account, base_url: str) -> str:
    """The crew of CREW_AGENTS and CREW_TASKS in Crewloom, on an openai-compatible provider at ``base_url``."""
    provider = await create(
        api,
        account,
        "llm-providers",
        {
            "name": "Loopback",
            "type": "openai_compatible",
            "base_url": base_url,
            "default_model": MODEL,
            "api_key": "bench-key",
        },
    )
    agents = {
        name: await create(
            api,
            account,
            "agents",
            {"name": name, "role": role, "goal": goal, "backstory": backstory, "provider_id": provider, "model": MODEL},
        )
        for name, role, goal, backstory in CREW_AGENTS
    }
    tasks = [
        {"key": key, "description": description, "expected_output": "A few lines of text", "agent_id": agents[agent]}
        for key, description, agent in CREW_TASKS
    ]
    return await create(api, account, "crews", {"name": "Newsroom", "agent_ids": list(agents.values()), "tasks": tasks})
