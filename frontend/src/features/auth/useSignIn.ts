import { useMutation } from "@tanstack/react-query";
import { useNavigate, useSearchParams } from "react-router";
import { describeError, type Schemas } from "../../api/client";
import { signedIn } from "../../auth/session";

type SignInResult = { data?: Schemas["crewloom__auth__schemas__SessionOut"]; error?: unknown };

/** Runs a sign-in call (log in or sign up), keeps the session and goes where the user was headed. */
export function useSignIn(call: (form: FormData) => Promise<SignInResult>) {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const mutation = useMutation({
    mutationFn: async (form: FormData) => {
      const { data, error } = await call(form);
      if (data === undefined) throw new Error(describeError(error));
      return data;
    },
    onSuccess: (session) => {
      signedIn(session);
      const next = params.get("next");
      void navigate(next?.startsWith("/") ? next : "/agents", { replace: true });
    },
  });
  return {
    submit: (form: FormData) => {
      mutation.mutate(form);
    },
    busy: mutation.isPending,
    error: mutation.error?.message ?? null,
  };
}

export function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}
