import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import { bracketMatching, defaultHighlightStyle, indentOnInput, indentUnit, syntaxHighlighting } from "@codemirror/language";
import { Compartment, EditorState } from "@codemirror/state";
import { EditorView, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";
import { useEffect, useRef } from "react";

const theme = EditorView.theme({
  "&": { fontSize: "13px", backgroundColor: "white" },
  ".cm-content": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace", minHeight: "12rem" },
  ".cm-gutters": { backgroundColor: "#f8fafc", borderRight: "1px solid #e2e8f0", color: "#94a3b8" },
  "&.cm-focused": { outline: "2px solid #4f46e5", outlineOffset: "2px" },
});

export interface CodeEditorProps {
  value: string;
  onChange: (value: string) => void;
  label: string;
  readOnly: boolean;
  describedBy: string;
}

/** CodeMirror 6 editing Python. Tab moves focus on, as everywhere else, so keyboard users are never
 * trapped; Enter keeps the indentation, Ctrl-] and Ctrl-[ change it. */
export function CodeEditor({ value, onChange, label, readOnly, describedBy }: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latestChange = useRef(onChange);
  const editable = useRef(new Compartment());
  // What the editor starts with; later changes arrive through the effects below.
  const initial = useRef({ value, label, readOnly, describedBy });

  useEffect(() => {
    latestChange.current = onChange;
  }, [onChange]);

  useEffect(() => {
    if (host.current === null) return;
    const start = initial.current;
    const created = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: start.value,
        extensions: [
          lineNumbers(),
          highlightActiveLine(),
          history(),
          indentOnInput(),
          bracketMatching(),
          indentUnit.of("    "),
          python(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          theme,
          editable.current.of(EditorState.readOnly.of(start.readOnly)),
          EditorView.contentAttributes.of({
            "aria-label": start.label,
            "aria-describedby": start.describedBy,
          }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) latestChange.current(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = created;
    return () => {
      created.destroy();
      view.current = null;
    };
  }, []);

  useEffect(() => {
    const current = view.current;
    if (current === null || current.state.doc.toString() === value) return;
    current.dispatch({ changes: { from: 0, to: current.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: editable.current.reconfigure(EditorState.readOnly.of(readOnly)) });
  }, [readOnly]);

  return <div ref={host} className="overflow-hidden rounded-md border border-slate-300" />;
}
