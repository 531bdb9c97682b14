import { useState } from "react";
import { useCan } from "../../../auth/permissions";
import { ErrorMessage } from "../../../ui/controls";
import { Icon } from "../../../ui/icons";
import { Menu, MenuItem } from "../../../ui/Menu";
import { useEditorFlow } from "../editorContext";
import { ImportCrewAiDialog, ImportFlowDialog } from "./ImportDialogs";
import { useExportFlow } from "./useTransfer";

type Dialog = "flow" | "crewai" | null;

const triggerLook =
  "inline-flex items-center gap-2 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-semibold text-slate-800 hover:bg-slate-100";

function ItemText({ title, detail }: { title: string; detail: string }) {
  return (
    <span>
      <span className="block font-medium text-slate-800">{title}</span>
      <span className="block text-xs text-slate-500">{detail}</span>
    </span>
  );
}

/** "Import / export" in the editor's toolbar: the flow as JSON, and flows made from JSON or a CrewAI project. */
export function TransferMenu({ flowId }: { flowId: string }) {
  const [dialog, setDialog] = useState<Dialog>(null);
  const { flow } = useEditorFlow();
  const exportFlow = useExportFlow(flowId);
  const canImportFlow = useCan("flows", "write");
  const canImportCrew = useCan("crews", "write") && canImportFlow;
  const saved = flow.latest_version;
  const close = () => {
    setDialog(null);
  };
  return (
    <>
      <Menu
        label="Import / export"
        triggerClassName={triggerLook}
        trigger={
          <>
            Import / export
            <Icon name="chevronDown" />
          </>
        }
      >
        {saved > 0 && (
          <MenuItem
            onSelect={() => {
              exportFlow.mutate(saved);
            }}
          >
            <ItemText title="Export JSON" detail={`Version ${String(saved)} and what it uses; never keys`} />
          </MenuItem>
        )}
        {canImportFlow && (
          <MenuItem
            onSelect={() => {
              setDialog("flow");
            }}
          >
            <ItemText title="Import flow JSON…" detail="A flow exported from Crewloom, as a new flow" />
          </MenuItem>
        )}
        {canImportCrew && (
          <MenuItem
            onSelect={() => {
              setDialog("crewai");
            }}
          >
            <ItemText title="Import CrewAI project…" detail="Its crew, in a new flow around it" />
          </MenuItem>
        )}
      </Menu>
      <ErrorMessage message={exportFlow.error?.message} />
      <ImportFlowDialog open={dialog === "flow"} onClose={close} />
      <ImportCrewAiDialog open={dialog === "crewai"} onClose={close} />
    </>
  );
}
