import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, type Schemas } from "../../api/client";
import { ApiError, fieldError, toApiError } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { Button, ErrorMessage, TextArea } from "../../ui/controls";
import { Modal } from "../../ui/Modal";
import { currentGraph, markSaved, useEditorStore } from "./store";

interface SaveRequest {
  message: string;
  /** The flow's version the edit started from; a stale one is refused with 409. */
  baseVersion: number;
}

function saveError(error: unknown, status: number): ApiError {
  if (status === 409) {
    return new ApiError(
      "Someone else saved this flow since you opened it. Export your graph or reload to see their version.",
      {},
      409,
    );
  }
  return toApiError(error, status);
}

/** Saves the canvas as the flow's next version; the answer's problems replace the shown ones. */
export function useSaveVersion(flowId: string, onSaved: (saved: Schemas["VersionSaved"]) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ message, baseVersion }: SaveRequest) => {
      const revision = useEditorStore.getState().revision;
      const { data, error, response } = await api.POST("/api/v1/flows/{flow_id}/versions", {
        params: { path: { flow_id: flowId } },
        body: { version: baseVersion, graph: currentGraph(), message },
      });
      if (data === undefined) throw saveError(error, response.status);
      return { saved: data, revision };
    },
    onSuccess: ({ saved, revision }) => {
      markSaved(revision);
      useEditorStore.getState().setProblems(saved.problems);
      queryClient.setQueryData(queryKeys.flows.detail(flowId), saved.flow);
      void queryClient.invalidateQueries({ queryKey: [...queryKeys.flows.detail(flowId), "versions"] });
      void queryClient.invalidateQueries({ queryKey: queryKeys.flows.list() });
      onSaved(saved);
    },
  });
}

/** "Save version": asks what changed, then saves; field errors from the API appear beside the message. */
export function SaveDialog({
  open,
  onClose,
  flowId,
  baseVersion,
  onSaved,
}: {
  open: boolean;
  onClose: () => void;
  flowId: string;
  baseVersion: number;
  onSaved: (saved: Schemas["VersionSaved"]) => void;
}) {
  const [message, setMessage] = useState("");
  const save = useSaveVersion(flowId, (saved) => {
    setMessage("");
    onSaved(saved);
    onClose();
  });
  const messageError = fieldError(save.error, "message");
  const close = () => {
    save.reset();
    onClose();
  };
  return (
    <Modal
      open={open}
      onClose={close}
      title="Save a version"
      description="Every save is kept in the history; the message says what changed."
    >
      <form
        className="space-y-4"
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate({ message: message.trim(), baseVersion });
        }}
      >
        <TextArea
          label="What changed"
          rows={3}
          maxLength={2000}
          autoFocus
          value={message}
          error={messageError}
          placeholder="e.g. Summarise with the research agent"
          onChange={(event) => {
            setMessage(event.target.value);
          }}
        />
        {messageError === undefined && <ErrorMessage message={save.error?.message} />}
        <div className="flex justify-end gap-2">
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" look="primary" busy={save.isPending}>
            Save version
          </Button>
        </div>
      </form>
    </Modal>
  );
}
