import type { ReactNode, SubmitEvent } from "react";
import { ErrorMessage, PrimaryButton } from "../../ui/controls";

export function AuthCard(props: {
  title: string;
  submitLabel: string;
  busy: boolean;
  error: string | null;
  onSubmit: (form: FormData) => void;
  footer: ReactNode;
  children: ReactNode;
}) {
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    props.onSubmit(new FormData(event.currentTarget));
  };
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-xl bg-white p-8 shadow">
        <h1 className="mb-6 text-2xl font-bold">{props.title}</h1>
        <form onSubmit={submit} className="space-y-4">
          {props.children}
          <ErrorMessage message={props.error} />
          <PrimaryButton busy={props.busy}>{props.submitLabel}</PrimaryButton>
        </form>
        <p className="mt-6 text-sm text-slate-600">{props.footer}</p>
      </div>
    </main>
  );
}
