import { useEffect, type RefObject } from "react";
import { useEditorStore } from "./store";

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.closest("input, textarea, select, dialog") !== null;
}

/**
 * The editor's keys: undo/redo and copy/paste anywhere outside form fields, Delete/Backspace only while
 * the canvas (or something on it) has the focus.
 */
export function useEditorShortcuts(canvasRef: RefObject<HTMLDivElement | null>): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || isTyping(event.target)) return;
      const store = useEditorStore.getState();
      const command = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      const onCanvas = event.target instanceof Node && canvasRef.current?.contains(event.target) === true;
      let handled = true;
      if (command && key === "z" && !event.shiftKey) store.undo();
      else if (command && (key === "y" || (key === "z" && event.shiftKey))) store.redo();
      else if (command && key === "c" && (window.getSelection()?.isCollapsed ?? true)) store.copySelection();
      else if (command && key === "v") store.paste();
      else if ((key === "delete" || key === "backspace") && onCanvas) store.deleteSelection();
      else handled = false;
      if (handled) event.preventDefault();
    };
    document.addEventListener("keydown", onKeyDown);
    return () => {
      document.removeEventListener("keydown", onKeyDown);
    };
  }, [canvasRef]);
}
