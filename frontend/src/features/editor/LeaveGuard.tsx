import { useEffect } from "react";
import { useBlocker } from "react-router";
import { Button } from "../../ui/controls";
import { Modal } from "../../ui/Modal";
import { useEditorStore } from "./store";

/** Asks before leaving the editor (in the app or by closing the tab) while there are unsaved changes. */
export function LeaveGuard() {
  const dirty = useEditorStore((state) => state.dirty);
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname,
  );
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => {
      window.removeEventListener("beforeunload", warn);
    };
  }, [dirty]);
  const stay = () => {
    blocker.reset?.();
  };
  return (
    <Modal
      open={blocker.state === "blocked"}
      onClose={stay}
      title="Leave without saving?"
      description="This flow has changes that are not saved as a version yet. They are lost if you leave."
    >
      <div className="flex justify-end gap-2">
        <Button onClick={stay}>Stay and keep editing</Button>
        <Button look="danger" onClick={() => blocker.proceed?.()}>
          Leave and discard changes
        </Button>
      </div>
    </Modal>
  );
}
