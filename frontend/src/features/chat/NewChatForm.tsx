import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type SubmitEvent } from "react";
import { useNavigate } from "react-router";
import { api, type Schemas } from "../../api/client";
import { fieldError, unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { Button, ErrorMessage, SelectField, TextField } from "../../ui/controls";

type TargetKind = "model" | "agent" | "crew" | "flow";

const kinds: readonly { value: TargetKind; label: string }[] = [
  { value: "model", label: "A model" },
  { value: "agent", label: "An agent" },
  { value: "crew", label: "A crew" },
  { value: "flow", label: "A flow" },
];

interface Named {
  id: string;
  name: string;
}

/** The first page of a resource the user may chat with, sorted by name. */
function useChoices(kind: TargetKind) {
  return useQuery({
    queryKey: ["chat-targets", kind],
    queryFn: async (): Promise<Named[]> => {
      const query = { params: { query: { sort: "name" as const, limit: 200 } } };
      if (kind === "model") return (await unwrap(api.GET("/api/v1/llm-providers", query))).items;
      if (kind === "agent") return (await unwrap(api.GET("/api/v1/agents", query))).items;
      if (kind === "crew") return (await unwrap(api.GET("/api/v1/crews", query))).items;
      return (await unwrap(api.GET("/api/v1/flows", query))).items;
    },
  });
}

function targetOf(kind: TargetKind, id: string, model: string): Schemas["SessionIn"]["target"] {
  if (kind === "model") return { kind, provider_id: id, model: model.trim() || null };
  if (kind === "agent") return { kind, agent_id: id };
  if (kind === "crew") return { kind, crew_id: id };
  return { kind, flow_id: id };
}

/** Starts a chat with a model, an agent, a crew or a flow, and opens it. */
export function NewChatForm({ onDone }: { onDone: () => void }) {
  const [kind, setKind] = useState<TargetKind>("model");
  const choices = useChoices(kind);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (body: Schemas["SessionIn"]) => unwrap(api.POST("/api/v1/chat/sessions", { body })),
    onSuccess: async (session) => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.chatSessions.all });
      onDone();
      await navigate(`/chat/${session.id}`);
    },
  });
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => {
      const value = form.get(name);
      return typeof value === "string" ? value : "";
    };
    create.mutate({ target: targetOf(kind, text("target"), text("model")), title: text("title") });
  };
  const options = choices.data ?? [];
  return (
    <form onSubmit={submit} className="space-y-3 rounded-lg border border-slate-200 bg-white p-3" aria-label="New chat">
      <SelectField
        label="Chat with"
        value={kind}
        onChange={(event) => {
          setKind(event.target.value as TargetKind);
        }}
        choices={kinds}
      />
      {choices.isSuccess && options.length === 0 ? (
        <p className="text-sm text-slate-600">Nothing to chat with yet: create one first.</p>
      ) : (
        <SelectField
          label={kind === "model" ? "Provider" : "Which"}
          name="target"
          required
          choices={options.map((option) => ({ value: option.id, label: option.name }))}
          error={fieldError(create.error, "target")}
        />
      )}
      {kind === "model" && (
        <TextField label="Model" name="model" hint="The provider's default model when empty" />
      )}
      <TextField label="Title" name="title" hint="Taken from the first message when empty" maxLength={200} />
      <ErrorMessage message={create.error?.message} />
      <div className="flex justify-end gap-2">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" look="primary" busy={create.isPending} disabled={options.length === 0}>
          Start chat
        </Button>
      </div>
    </form>
  );
}
