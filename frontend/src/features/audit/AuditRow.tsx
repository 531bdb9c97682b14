import { useId, useState, type ReactNode } from "react";
import type { Schemas } from "../../api/client";
import { focusRing } from "../../ui/controls";
import { formatDateTime } from "../../ui/dates";
import { Icon, type IconName } from "../../ui/icons";
import { RelativeTime } from "../../ui/RelativeTime";
import { actorName, describeEvent, resourceLabel, type Names } from "./describeEvent";

type AuditEvent = Schemas["AuditEventOut"];

const resourceIcons: Readonly<Record<string, IconName>> = {
  tenant: "sliders",
  member: "users",
  invitation: "mail",
  api_key: "key",
  llm_provider: "chip",
  agent: "bot",
  crew: "layers",
  tool: "wrench",
  flow: "flow",
};

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[8rem_1fr] gap-2">
      <dt className="text-slate-500">{term}</dt>
      <dd className="min-w-0 font-mono text-xs break-all text-slate-800">{children}</dd>
    </div>
  );
}

/** One audit event as a sentence ("Ada invited bob@example.com as viewer"), with its raw record on demand. */
export function AuditRow({ event, names }: { event: AuditEvent; names: Names }) {
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  const actor = actorName(event, names);
  const summary = describeEvent(event, names);
  return (
    <li className="px-4 py-3">
      <div className="flex items-start gap-3">
        <span className="mt-0.5 grid size-8 shrink-0 place-items-center rounded-lg bg-slate-100 text-slate-600">
          <Icon name={resourceIcons[event.resource_type] ?? "dot"} />
        </span>
        <div className="min-w-0 flex-1">
          <p className="text-sm text-slate-800">
            <span className="font-semibold text-slate-900">{actor}</span> {summary}
          </p>
          <p className="mt-0.5 flex flex-wrap items-center gap-x-2 text-xs text-slate-500">
            <RelativeTime iso={event.created_at} />
            <span aria-hidden="true">·</span>
            <span>{resourceLabel(event.resource_type)}</span>
            <span aria-hidden="true">·</span>
            <code className="font-mono">{event.action}</code>
          </p>
        </div>
        <button
          type="button"
          aria-expanded={open}
          aria-controls={detailsId}
          onClick={() => {
            setOpen(!open);
          }}
          className={`inline-flex shrink-0 items-center gap-1 rounded-md px-2 py-1 text-xs font-medium text-slate-600 hover:bg-slate-100 ${focusRing}`}
        >
          Details<span className="sr-only"> of “{actor} {summary}”</span>
          <Icon name="chevronDown" className={`size-3.5 transition-transform ${open ? "rotate-180" : ""}`} />
        </button>
      </div>
      {open && (
        <dl id={detailsId} className="mt-3 ml-11 space-y-1.5 rounded-lg bg-slate-50 p-3 text-sm ring-1 ring-slate-200">
          <Fact term="When">{formatDateTime(event.created_at)} ({event.created_at})</Fact>
          <Fact term="Actor">
            {event.actor_kind} {event.actor_id ?? "—"}
          </Fact>
          <Fact term="Resource">
            {event.resource_type} {event.resource_id ?? "—"}
          </Fact>
          <Fact term="Client address">{event.client_address ?? "—"}</Fact>
          <Fact term="Event">{event.id}</Fact>
          <Fact term="Detail">
            <pre className="whitespace-pre-wrap">{JSON.stringify(event.detail, null, 2)}</pre>
          </Fact>
        </dl>
      )}
    </li>
  );
}
