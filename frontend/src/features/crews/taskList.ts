/** The ordered tasks of a crew as edited: each task reads the output of some earlier tasks (its context),
 * so moving or removing a task keeps every context pointing only at tasks that still run before it. */

export interface TaskDraft {
  /** Stable while editing, so that renaming a task's key keeps the links to it. */
  uid: string;
  key: string;
  description: string;
  expectedOutput: string;
  /** Empty: none (a hierarchical crew's manager decides). */
  agentId: string;
  /** Uids of earlier tasks whose output this task receives, in the tasks' order. */
  context: string[];
  outputFormat: "text" | "json";
  /** JSON Schema text, for the json output format. */
  outputSchema: string;
  humanInput: boolean;
}

/** A context link that an edit removed: `task` no longer receives the output of `from`. */
export interface DroppedLink {
  task: string;
  from: string;
}

export interface TaskEdit {
  tasks: TaskDraft[];
  dropped: DroppedLink[];
}

let created = 0;

export function newUid(): string {
  created += 1;
  return `task-${String(created)}`;
}

/** A free key task_<n>, counting from the list's new length so that the n-th task is usually task_n. */
export function freeKey(tasks: readonly TaskDraft[]): string {
  const taken = new Set(tasks.map((task) => task.key));
  let number = tasks.length + 1;
  while (taken.has(`task_${String(number)}`)) number += 1;
  return `task_${String(number)}`;
}

export function newTask(tasks: readonly TaskDraft[], agentId = ""): TaskDraft {
  return {
    uid: newUid(),
    key: freeKey(tasks),
    description: "",
    expectedOutput: "",
    agentId,
    context: [],
    outputFormat: "text",
    outputSchema: "",
    humanInput: false,
  };
}

/** The tasks before `index`: the only ones whose output the task at `index` may receive. */
export function earlierTasks(tasks: readonly TaskDraft[], index: number): TaskDraft[] {
  return tasks.slice(0, Math.max(0, index));
}

/** Every context limited to tasks that run earlier, in their order; the links that had to go. */
export function withConsistentContext(tasks: readonly TaskDraft[]): TaskEdit {
  const dropped: DroppedLink[] = [];
  const byUid = new Map(tasks.map((task) => [task.uid, task]));
  const consistent = tasks.map((task, index) => {
    const earlier = earlierTasks(tasks, index).map((candidate) => candidate.uid);
    for (const uid of task.context) {
      if (!earlier.includes(uid)) dropped.push({ task: task.key, from: byUid.get(uid)?.key ?? uid });
    }
    const context = earlier.filter((uid) => task.context.includes(uid));
    return context.length === task.context.length && context.every((uid, at) => uid === task.context[at])
      ? task
      : { ...task, context };
  });
  return { tasks: consistent, dropped };
}

/** The task at `index` moved one place up (-1) or down (+1); nothing changes at either end. */
export function moveTask(tasks: readonly TaskDraft[], index: number, offset: -1 | 1): TaskEdit {
  const target = index + offset;
  const moving = tasks[index];
  const other = tasks[target];
  if (moving === undefined || other === undefined) return { tasks: [...tasks], dropped: [] };
  const reordered = [...tasks];
  reordered[target] = moving;
  reordered[index] = other;
  return withConsistentContext(reordered);
}

/** The task at `index` removed, and with it every link to it. */
export function removeTask(tasks: readonly TaskDraft[], index: number): TaskEdit {
  const removed = tasks[index];
  if (removed === undefined) return { tasks: [...tasks], dropped: [] };
  const dropped = tasks
    .filter((task) => task.context.includes(removed.uid))
    .map((task) => ({ task: task.key, from: removed.key }));
  const remaining = tasks.filter((_, at) => at !== index);
  return { tasks: withConsistentContext(remaining).tasks, dropped };
}

export function updateTask(tasks: readonly TaskDraft[], index: number, patch: Partial<Omit<TaskDraft, "uid">>): TaskDraft[] {
  return tasks.map((task, at) => (at === index ? { ...task, ...patch } : task));
}

/** Tasks whose agent left the crew no longer name it. */
export function withCrewAgents(tasks: readonly TaskDraft[], agentIds: readonly string[]): TaskDraft[] {
  return tasks.map((task) => (task.agentId === "" || agentIds.includes(task.agentId) ? task : { ...task, agentId: "" }));
}

/** A sentence for the links an edit removed, e.g. for a live region. */
export function describeDropped(dropped: readonly DroppedLink[]): string {
  if (dropped.length === 0) return "";
  const links = dropped.map((link) => `${link.task} no longer receives ${link.from}`).join("; ");
  return `Context updated: ${links}.`;
}
