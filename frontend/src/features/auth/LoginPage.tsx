import { Link } from "react-router";
import { publicApi } from "../../api/client";
import { TextField, focusRing } from "../../ui/controls";
import { AuthCard } from "./AuthCard";
import { field, useSignIn } from "./useSignIn";

export function LoginPage() {
  const { submit, busy, error } = useSignIn((form) =>
    publicApi.POST("/api/v1/auth/login", {
      body: { email: field(form, "email"), password: field(form, "password") },
    }),
  );
  return (
    <AuthCard
      title="Log in to Crewloom"
      submitLabel="Log in"
      busy={busy}
      error={error}
      onSubmit={submit}
      footer={
        <>
          No account yet?{" "}
          <Link to="/signup" className={`font-medium text-indigo-700 underline ${focusRing}`}>
            Sign up
          </Link>
        </>
      }
    >
      <TextField label="Email" name="email" type="email" autoComplete="email" required />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
    </AuthCard>
  );
}
