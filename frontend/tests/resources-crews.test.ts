import { describe, expect, it } from "vitest";
import type { Schemas } from "../src/api/client";
import { crewBody, crewValues, withAgents, type CrewValues } from "../src/features/crews/crewForm";
import {
  describeDropped,
  earlierTasks,
  freeKey,
  moveTask,
  newTask,
  removeTask,
  updateTask,
  withConsistentContext,
  type TaskDraft,
} from "../src/features/crews/taskList";

const AGENT_A = "00000000-0000-4000-8000-00000000000a";
const AGENT_B = "00000000-0000-4000-8000-00000000000b";

/** Three tasks: research, then write (reads research), then review (reads research and write). */
function pipeline(): TaskDraft[] {
  const research = { ...newTask([]), key: "research" };
  const write = { ...newTask([research]), key: "write", context: [research.uid] };
  const review = { ...newTask([research, write]), key: "review", context: [research.uid, write.uid] };
  return [research, write, review];
}

const keysOf = (tasks: readonly TaskDraft[]) => tasks.map((task) => task.key);
const contextKeys = (tasks: readonly TaskDraft[], index: number) =>
  (tasks[index]?.context ?? []).map((uid) => tasks.find((task) => task.uid === uid)?.key);

describe("the task list", () => {
  it("names new tasks with the first free key", () => {
    const first = newTask([]);
    expect(first.key).toBe("task_1");
    // Numbered from the new length, so that the n-th task is usually task_n.
    expect(freeKey([first, { ...newTask([first]), key: "task_3" }])).toBe("task_4");
    expect(freeKey([{ ...first, key: "task_2" }])).toBe("task_3");
  });

  it("offers only earlier tasks as context", () => {
    const tasks = pipeline();
    expect(keysOf(earlierTasks(tasks, 0))).toEqual([]);
    expect(keysOf(earlierTasks(tasks, 2))).toEqual(["research", "write"]);
  });

  it("moves a task down and drops the links that would now point at a later task", () => {
    const moved = moveTask(pipeline(), 0, 1);
    expect(keysOf(moved.tasks)).toEqual(["write", "research", "review"]);
    expect(contextKeys(moved.tasks, 0)).toEqual([]);
    expect(contextKeys(moved.tasks, 2)).toEqual(["write", "research"]);
    expect(moved.dropped).toEqual([{ task: "write", from: "research" }]);
    expect(describeDropped(moved.dropped)).toBe("Context updated: write no longer receives research.");
  });

  it("moves a task up, keeping context that still runs earlier", () => {
    const moved = moveTask(pipeline(), 2, -1);
    expect(keysOf(moved.tasks)).toEqual(["research", "review", "write"]);
    expect(contextKeys(moved.tasks, 1)).toEqual(["research"]);
    expect(contextKeys(moved.tasks, 2)).toEqual(["research"]);
    expect(moved.dropped).toEqual([{ task: "review", from: "write" }]);
  });

  it("leaves the list alone when a task is moved past either end", () => {
    const tasks = pipeline();
    expect(keysOf(moveTask(tasks, 0, -1).tasks)).toEqual(keysOf(tasks));
    expect(moveTask(tasks, 2, 1).dropped).toEqual([]);
  });

  it("removes a task and every link to it", () => {
    const removed = removeTask(pipeline(), 0);
    expect(keysOf(removed.tasks)).toEqual(["write", "review"]);
    expect(contextKeys(removed.tasks, 0)).toEqual([]);
    expect(contextKeys(removed.tasks, 1)).toEqual(["write"]);
    expect(removed.dropped).toEqual([
      { task: "write", from: "research" },
      { task: "review", from: "research" },
    ]);
  });

  it("keeps context in the tasks' order whatever order it was picked in", () => {
    const [research, write, review] = pipeline();
    if (research === undefined || write === undefined || review === undefined) throw new Error("three tasks");
    const picked = [research, write, { ...review, context: [write.uid, research.uid] }];
    expect(contextKeys(withConsistentContext(picked).tasks, 2)).toEqual(["research", "write"]);
  });

  it("updates one task and leaves the others as they were", () => {
    const tasks = pipeline();
    const updated = updateTask(tasks, 1, { description: "Write it up" });
    expect(updated[1]?.description).toBe("Write it up");
    expect(updated[0]).toBe(tasks[0]);
  });
});

function crewOut(overrides: Partial<Schemas["CrewOut"]> = {}): Schemas["CrewOut"] {
  return {
    id: "00000000-0000-4000-8000-000000000001",
    name: "Research",
    description: "",
    tags: ["team"],
    version: 3,
    created_by: null,
    created_at: "2024-01-01T00:00:00Z",
    updated_at: "2024-01-01T00:00:00Z",
    agent_ids: [AGENT_A, AGENT_B],
    tasks: [
      { key: "research", description: "Find {topic}", expected_output: "Notes", agent_id: AGENT_A, context: [], output_format: "text", output_schema: null, human_input: false },
      { key: "write", description: "Write", expected_output: "An article", agent_id: AGENT_B, context: ["research"], output_format: "json", output_schema: { type: "object" }, human_input: true },
    ],
    process: "sequential",
    manager_agent_id: null,
    manager_provider_id: null,
    manager_model: null,
    planning: false,
    memory: true,
    inputs: ["topic"],
    ...overrides,
  };
}

function bodyOf(values: CrewValues) {
  const drafted = crewBody(values);
  if (!drafted.ok) throw new Error(JSON.stringify(drafted.problems));
  return drafted.body;
}

describe("the crew form", () => {
  it("sends back what it loaded", () => {
    const crew = crewOut();
    const body = bodyOf(crewValues(crew));
    expect(body).toEqual({
      name: "Research",
      description: "",
      tags: ["team"],
      agent_ids: [AGENT_A, AGENT_B],
      tasks: crew.tasks,
      process: "sequential",
      manager_agent_id: null,
      manager_provider_id: null,
      manager_model: null,
      planning: false,
      memory: true,
    });
  });

  it("starts a new crew with one empty task", () => {
    const values = crewValues();
    expect(values.tasks).toHaveLength(1);
    expect(values.tasks[0]?.key).toBe("task_1");
  });

  it("keeps context links when a task's key is renamed", () => {
    const values = crewValues(crewOut());
    const renamed = { ...values, tasks: updateTask(values.tasks, 0, { key: "dig" }) };
    expect(bodyOf(renamed).tasks.map((task) => task.context)).toEqual([[], ["dig"]]);
  });

  it("names a task's output schema that is no JSON object by its field", () => {
    const values = crewValues(crewOut());
    const broken = { ...values, tasks: updateTask(values.tasks, 1, { outputSchema: "[1]" }) };
    expect(crewBody(broken)).toEqual({ ok: false, problems: { "tasks.1.output_schema": "must be a JSON object: { … }" } });
  });

  it("sends only the manager fields of the chosen kind, and none for a sequential crew", () => {
    const values = { ...crewValues(crewOut()), managerAgentId: AGENT_A, managerProviderId: AGENT_B, managerModel: "mock-1" };
    expect(bodyOf(values).manager_agent_id).toBeNull();
    const byModel = bodyOf({ ...values, process: "hierarchical", manager: "model" });
    expect([byModel.manager_agent_id, byModel.manager_provider_id, byModel.manager_model]).toEqual([null, AGENT_B, "mock-1"]);
    const byAgent = bodyOf({ ...values, process: "hierarchical", manager: "agent" });
    expect([byAgent.manager_agent_id, byAgent.manager_provider_id, byAgent.manager_model]).toEqual([AGENT_A, null, null]);
  });

  it("clears tasks of an agent that leaves the crew, and gives a lone agent the unassigned tasks", () => {
    const values = crewValues(crewOut());
    const withoutB = withAgents(values, [AGENT_A]);
    expect(withoutB.tasks.map((task) => task.agentId)).toEqual([AGENT_A, AGENT_A]);
    const withNone = withAgents(values, []);
    expect(withNone.tasks.map((task) => task.agentId)).toEqual(["", ""]);
  });
});
