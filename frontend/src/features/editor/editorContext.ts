import { createContext, use } from "react";
import type { Schemas } from "../../api/client";

/** What the editor page knows, for components placed in its slots (e.g. a Run button). */
export interface EditorFlow {
  flow: Schemas["FlowOut"];
  canEdit: boolean;
}

export const EditorFlowContext = createContext<EditorFlow | null>(null);

export function useEditorFlow(): EditorFlow {
  const context = use(EditorFlowContext);
  if (context === null) throw new Error("useEditorFlow is used outside the flow editor");
  return context;
}
