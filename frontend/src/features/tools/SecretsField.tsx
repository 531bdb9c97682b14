import { Button, TextField } from "../../ui/controls";
import { WriteOnlyStatus } from "../../ui/WriteOnlyStatus";
import { keptSecrets, replacingSecrets, type SecretRow, type SecretsDraft } from "./toolSecrets";

/** A tool's write-only secrets: the stored names with "set", replaced all together or removed. */
export function SecretsField({
  draft,
  onChange,
  storedNames,
  suggestedNames,
  hint,
  readOnly,
  error,
}: {
  draft: SecretsDraft;
  onChange: (draft: SecretsDraft) => void;
  storedNames: readonly string[];
  /** The names a built-in tool asks for. */
  suggestedNames: readonly string[];
  hint: string;
  readOnly: boolean;
  error: string | undefined;
}) {
  const setRow = (index: number, patch: Partial<SecretRow>) => {
    onChange({ ...draft, rows: draft.rows.map((row, at) => (at === index ? { ...row, ...patch } : row)) });
  };
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-600">{hint}</p>
      {storedNames.length > 0 ? (
        <ul aria-label="Stored secrets" className="flex flex-wrap gap-2 text-sm">
          {storedNames.map((name) => (
            <li key={name} className="flex items-center gap-1.5">
              <code className="text-xs">{name}</code> <WriteOnlyStatus stored />
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm">
          Secrets: <WriteOnlyStatus stored={false} />
        </p>
      )}
      {draft.change === "replace" && (
        <ul className="space-y-2">
          {draft.rows.map((row, index) => (
            <li key={index} className="grid grid-cols-[1fr_1fr_auto] items-end gap-2">
              <TextField
                label={`Secret ${String(index + 1)} name`}
                className="font-mono"
                value={row.name}
                onChange={(event) => {
                  setRow(index, { name: event.target.value });
                }}
              />
              <TextField
                label={`Secret ${String(index + 1)} value`}
                type="password"
                autoComplete="off"
                value={row.value}
                onChange={(event) => {
                  setRow(index, { value: event.target.value });
                }}
              />
              <Button
                look="quiet"
                aria-label={`Remove secret ${String(index + 1)}`}
                onClick={() => {
                  onChange({ ...draft, rows: draft.rows.filter((_, at) => at !== index) });
                }}
              >
                ✕
              </Button>
            </li>
          ))}
        </ul>
      )}
      {draft.change === "clear" && (
        <p role="status" className="text-sm text-amber-800">
          Every stored secret will be removed when you save.
        </p>
      )}
      {error !== undefined && (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      )}
      <div className={readOnly ? "hidden" : "flex flex-wrap gap-2"}>
        {draft.change === "replace" && (
          <Button
            onClick={() => {
              onChange({ ...draft, rows: [...draft.rows, { name: "", value: "" }] });
            }}
          >
            + Add secret
          </Button>
        )}
        {draft.change === "keep" ? (
          <>
            <Button
              onClick={() => {
                onChange(replacingSecrets(storedNames.length > 0 ? storedNames : suggestedNames));
              }}
            >
              {storedNames.length > 0 ? "Replace secrets" : "Add secrets"}
            </Button>
            {storedNames.length > 0 && (
              <Button
                look="quiet"
                onClick={() => {
                  onChange({ change: "clear", rows: [] });
                }}
              >
                Remove all secrets
              </Button>
            )}
          </>
        ) : (
          <Button
            look="quiet"
            onClick={() => {
              onChange(keptSecrets());
            }}
          >
            {storedNames.length > 0 ? "Keep the stored secrets" : "Cancel"}
          </Button>
        )}
      </div>
    </div>
  );
}
