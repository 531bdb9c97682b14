import { Link } from "react-router";
import { publicApi } from "../../api/client";
import { TextField, focusRing } from "../../ui/controls";
import { AuthCard } from "./AuthCard";
import { field, useSignIn } from "./useSignIn";

export function SignupPage() {
  const { submit, busy, error } = useSignIn((form) =>
    publicApi.POST("/api/v1/auth/register", {
      body: {
        email: field(form, "email"),
        password: field(form, "password"),
        display_name: field(form, "display_name"),
        tenant_name: field(form, "tenant_name") || null,
      },
    }),
  );
  return (
    <AuthCard
      title="Create your workspace"
      submitLabel="Sign up"
      busy={busy}
      error={error}
      onSubmit={submit}
      footer={
        <>
          Already have an account?{" "}
          <Link to="/login" className={`font-medium text-indigo-700 underline ${focusRing}`}>
            Log in
          </Link>
        </>
      }
    >
      <TextField label="Your name" name="display_name" autoComplete="name" />
      <TextField label="Workspace name" name="tenant_name" autoComplete="organization" />
      <TextField label="Email" name="email" type="email" autoComplete="email" required />
      <TextField label="Password" name="password" type="password" autoComplete="new-password" minLength={8} required />
    </AuthCard>
  );
}
