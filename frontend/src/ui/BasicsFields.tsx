import { fieldError } from "../api/problems";
import { TextArea, TextField } from "./controls";
import { fieldErrorUnder } from "./fieldProblems";
import type { BasicValues } from "./formBody";

/** Name, description and tags: the fields of every resource. */
export function BasicsFields({
  values,
  onChange,
  error,
  namePlaceholder,
}: {
  values: BasicValues;
  onChange: (patch: Partial<BasicValues>) => void;
  error: unknown;
  namePlaceholder?: string;
}) {
  return (
    <>
      <TextField
        label="Name"
        required
        value={values.name}
        placeholder={namePlaceholder}
        onChange={(event) => {
          onChange({ name: event.target.value });
        }}
        error={fieldError(error, "name")}
      />
      <TextArea
        label="Description"
        rows={2}
        value={values.description}
        onChange={(event) => {
          onChange({ description: event.target.value });
        }}
        error={fieldError(error, "description")}
      />
      <TextField
        label="Tags"
        hint="Comma-separated, e.g. research, draft"
        value={values.tags}
        onChange={(event) => {
          onChange({ tags: event.target.value });
        }}
        error={fieldErrorUnder(error, "tags")}
      />
    </>
  );
}

export const basicFieldNames = ["name", "description", "tags"] as const;
