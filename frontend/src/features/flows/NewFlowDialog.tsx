import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate } from "react-router";
import { api } from "../../api/client";
import { fieldError, unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { Button, ErrorMessage, TextField } from "../../ui/controls";
import { Icon } from "../../ui/icons";
import { Modal } from "../../ui/Modal";

/** "New flow": names it, creates it and opens it in the editor. */
export function NewFlowButton() {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (flowName: string) => unwrap(api.POST("/api/v1/flows", { body: { name: flowName, description: "", message: "" } })),
    onSuccess: async (flow) => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.flows.all });
      setOpen(false);
      await navigate(`/flows/${flow.id}`);
    },
  });
  const close = () => {
    setOpen(false);
    create.reset();
  };
  const nameError = fieldError(create.error, "name");
  return (
    <>
      <Button
        look="primary"
        onClick={() => {
          setName("");
          setOpen(true);
        }}
      >
        <Icon name="plus" /> New flow
      </Button>
      <Modal open={open} onClose={close} title="New flow" description="Name it; you build it on the canvas next.">
        <form
          className="space-y-4"
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate(name.trim());
          }}
        >
          <TextField
            label="Name"
            required
            maxLength={200}
            autoFocus
            value={name}
            error={nameError}
            placeholder="e.g. Research brief"
            onChange={(event) => {
              setName(event.target.value);
            }}
          />
          {nameError === undefined && <ErrorMessage message={create.error?.message} />}
          <div className="flex justify-end gap-2">
            <Button onClick={close}>Cancel</Button>
            <Button type="submit" look="primary" busy={create.isPending}>
              Create and open
            </Button>
          </div>
        </form>
      </Modal>
    </>
  );
}
