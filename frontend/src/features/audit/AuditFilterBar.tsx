import { Button, SelectField, TextField, type Choice } from "../../ui/controls";
import { hasFilters, noFilters, type AuditFilters } from "./auditFilters";
import { actionLabel, knownActions, knownResourceTypes, resourceLabel } from "./describeEvent";

const ANY = { value: "", label: "Anyone / anything" } as const;

/** Who, what, which kind of resource and when; every change applies at once. */
export function AuditFilterBar({
  filters,
  actors,
  onChange,
}: {
  filters: AuditFilters;
  actors: readonly Choice[];
  onChange: (filters: AuditFilters) => void;
}) {
  const set = (name: keyof AuditFilters) => (event: { target: { value: string } }) => {
    onChange({ ...filters, [name]: event.target.value });
  };
  return (
    <form
      aria-label="Filter the audit log"
      onSubmit={(event) => {
        event.preventDefault();
      }}
      className="mb-6 grid gap-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-2 lg:grid-cols-5"
    >
      <SelectField label="Actor" value={filters.actor} onChange={set("actor")} choices={[{ ...ANY, label: "Anyone" }, ...actors]} />
      <SelectField
        label="Action"
        value={filters.action}
        onChange={set("action")}
        choices={[{ ...ANY, label: "Any action" }, ...knownActions.map((action) => ({ value: action, label: actionLabel(action) }))]}
      />
      <SelectField
        label="Resource"
        value={filters.resource}
        onChange={set("resource")}
        choices={[{ ...ANY, label: "Any resource" }, ...knownResourceTypes.map((type) => ({ value: type, label: resourceLabel(type) }))]}
      />
      <TextField label="From" type="datetime-local" value={filters.since} onChange={set("since")} />
      <div className="flex items-end gap-2">
        <div className="flex-1">
          <TextField label="Until" type="datetime-local" value={filters.until} onChange={set("until")} />
        </div>
        {hasFilters(filters) && (
          <Button
            look="quiet"
            className="mb-0.5"
            onClick={() => {
              onChange(noFilters);
            }}
          >
            Clear
          </Button>
        )}
      </div>
    </form>
  );
}
