import { Button, TextField } from "../../ui/controls";
import { WriteOnlyStatus } from "../../ui/WriteOnlyStatus";
import type { KeyChange } from "./providerForm";

/** A write-only API key: typed once, afterwards only "set" or "not set", replaced or cleared. */
export function ApiKeyField({
  stored,
  last4,
  isNew,
  value,
  change,
  onChange,
  readOnly,
  error,
}: {
  stored: boolean;
  last4: string | null;
  isNew: boolean;
  value: string;
  change: KeyChange;
  onChange: (patch: { apiKey?: string; keyChange?: KeyChange }) => void;
  readOnly: boolean;
  error: string | undefined;
}) {
  const input = (
    <TextField
      label={isNew ? "API key" : "New API key"}
      type="password"
      autoComplete="off"
      hint={isNew ? "Optional for local servers; stored encrypted" : "Replaces the stored key when you save"}
      value={value}
      onChange={(event) => {
        onChange({ apiKey: event.target.value });
      }}
      error={error}
    />
  );
  if (isNew) return input;
  return (
    <div className="space-y-3">
      <p className="flex items-center gap-2 text-sm text-slate-700">
        Stored key: <WriteOnlyStatus stored={stored} detail={last4} />
      </p>
      {change === "replace" && input}
      {change === "clear" && (
        <p className="text-sm text-amber-800" role="status">
          The stored key will be removed when you save.
        </p>
      )}
      {change !== "replace" && error !== undefined && (
        <p role="alert" className="text-xs text-red-700">
          {error}
        </p>
      )}
      <div className={readOnly ? "hidden" : "flex gap-2"}>
        {change === "keep" ? (
          <>
            <Button
              onClick={() => {
                onChange({ keyChange: "replace" });
              }}
            >
              {stored ? "Replace key" : "Set key"}
            </Button>
            {stored && (
              <Button
                look="quiet"
                onClick={() => {
                  onChange({ keyChange: "clear" });
                }}
              >
                Clear key
              </Button>
            )}
          </>
        ) : (
          <Button
            look="quiet"
            onClick={() => {
              onChange({ apiKey: "", keyChange: "keep" });
            }}
          >
            {stored ? "Keep the stored key" : "Cancel"}
          </Button>
        )}
      </div>
    </div>
  );
}
