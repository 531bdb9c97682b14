import { useEditorFlow } from "../editor/editorContext";
import { useEditorStore } from "../editor/store";
import { RunButton } from "./RunDialog";

/** "Run" in the flow editor's toolbar (its `toolbarActions` slot): runs the latest saved version, and says so
 * while the canvas holds unsaved changes. */
export function EditorRunButton() {
  const { flow } = useEditorFlow();
  const dirty = useEditorStore((state) => state.dirty);
  if (flow.latest_version === 0) return null;
  return (
    <RunButton
      flowId={flow.id}
      version={flow.latest_version}
      label={dirty ? `Run saved v${String(flow.latest_version)}` : "Run"}
    />
  );
}
