import { SelectField } from "../../ui/controls";
import { isRole, roleChoices, type Role } from "./roles";

/** Picks the role someone or something acts with in the workspace; each choice says what the role may do. */
export function RoleField({
  value,
  onChange,
  error,
  hint,
}: {
  value: Role;
  onChange: (role: Role) => void;
  error: string | undefined;
  hint?: string | undefined;
}) {
  return (
    <SelectField
      label="Role"
      value={value}
      choices={roleChoices(true)}
      hint={hint}
      error={error}
      onChange={(event) => {
        if (isRole(event.target.value)) onChange(event.target.value);
      }}
    />
  );
}
