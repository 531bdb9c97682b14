import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { publicApi } from "../../api/client";
import { fieldError, unwrap } from "../../api/problems";
import { signedIn } from "../../auth/session";
import { TextField, focusRing } from "../../ui/controls";
import { AuthCard } from "./AuthCard";
import { field } from "./useSignIn";

type Account = "new" | "existing";

const accountChoices: readonly { value: Account; label: string }[] = [
  { value: "new", label: "I am new to Crewloom" },
  { value: "existing", label: "I already have an account" },
];

function MissingToken() {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-xl bg-white p-8 shadow">
        <h1 className="text-2xl font-bold">This invitation link is incomplete</h1>
        <p className="mt-3 text-sm text-slate-600">
          Open the whole link you were sent, or ask the person who invited you for a new one.
        </p>
        <Link to="/login" className={`mt-6 inline-block text-sm font-medium text-indigo-700 underline ${focusRing}`}>
          Go to log in
        </Link>
      </div>
    </main>
  );
}

/** Joins the workspace an invitation names: a new account is created with the invited email, an existing
 * one proves itself with its password. Either way the user ends up signed in to that workspace. */
export function AcceptInvitationPage() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const [account, setAccount] = useState<Account>("new");
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const accept = useMutation({
    mutationFn: (form: FormData) =>
      unwrap(
        publicApi.POST("/api/v1/invitations/accept", {
          body: {
            token,
            password: field(form, "password"),
            display_name: account === "new" ? field(form, "display_name") : "",
          },
        }),
      ),
    onSuccess: (session) => {
      queryClient.clear();
      signedIn(session);
      void navigate("/", { replace: true });
    },
  });
  if (token === "") return <MissingToken />;
  const passwordError = fieldError(accept.error, "password");
  const nameError = fieldError(accept.error, "display_name");
  const formError = accept.error !== null && passwordError === undefined && nameError === undefined ? accept.error.message : null;
  return (
    <AuthCard
      title="Accept your invitation"
      submitLabel="Accept invitation"
      busy={accept.isPending}
      error={formError}
      onSubmit={(form) => {
        accept.mutate(form);
      }}
      footer="Accepting signs you in to the workspace that invited you, with the role it gave you."
    >
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">Your account</legend>
        <div className="mt-2 grid grid-cols-2 gap-2">
          {accountChoices.map((choice) => (
            <label
              key={choice.value}
              className={`flex cursor-pointer items-center gap-2 rounded-lg border px-3 py-2 text-sm has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-indigo-600 ${account === choice.value ? "border-indigo-500 bg-indigo-50 text-indigo-900" : "border-slate-300 text-slate-700"}`}
            >
              <input
                type="radio"
                name="account"
                value={choice.value}
                checked={account === choice.value}
                onChange={() => {
                  setAccount(choice.value);
                }}
                className="accent-indigo-600"
              />
              {choice.label}
            </label>
          ))}
        </div>
      </fieldset>
      {account === "new" ? (
        <>
          <TextField label="Your name" name="display_name" autoComplete="name" error={nameError} />
          <TextField
            label="Choose a password"
            name="password"
            type="password"
            autoComplete="new-password"
            minLength={8}
            required
            hint="At least 8 characters. Your email is the one the invitation was sent to."
            error={passwordError}
          />
        </>
      ) : (
        <TextField
          label="Your password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          hint="The password of your account with the invited email address."
          error={passwordError}
        />
      )}
    </AuthCard>
  );
}
