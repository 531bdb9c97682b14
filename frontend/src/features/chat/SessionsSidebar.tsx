import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { NavLink } from "react-router";
import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { useCan } from "../../auth/permissions";
import { Button, ErrorMessage, focusRing } from "../../ui/controls";
import { PageControls, useCursorPages } from "../../ui/CursorPages";
import { NewChatForm } from "./NewChatForm";

/** The workspace's chats, the most recently active first, and the way to start one. */
export function SessionsSidebar() {
  const pages = useCursorPages();
  const [starting, setStarting] = useState(false);
  const canChat = useCan("chat", "write");
  const sessions = useQuery({
    queryKey: queryKeys.chatSessions.list({ cursor: pages.cursor }),
    queryFn: () => unwrap(api.GET("/api/v1/chat/sessions", { params: { query: { cursor: pages.cursor, limit: 30 } } })),
    placeholderData: keepPreviousData,
  });
  return (
    <aside aria-label="Chats" className="flex w-72 shrink-0 flex-col gap-3 border-r border-slate-200 pr-4">
      {canChat &&
        (starting ? (
          <NewChatForm
            onDone={() => {
              setStarting(false);
            }}
          />
        ) : (
          <Button
            look="primary"
            onClick={() => {
              setStarting(true);
            }}
          >
            New chat
          </Button>
        ))}
      <ErrorMessage message={sessions.error?.message} />
      {sessions.data?.items.length === 0 && (
        <p className="text-sm text-slate-600">
          No chats yet. {canChat ? "Start one with a model, an agent, a crew or a flow." : ""}
        </p>
      )}
      <ul className="space-y-1">
        {sessions.data?.items.map((session) => (
          <li key={session.id}>
            <NavLink
              to={`/chat/${session.id}`}
              className={({ isActive }) =>
                `block truncate rounded-md px-3 py-2 text-sm ${isActive ? "bg-indigo-50 font-semibold text-indigo-800" : "text-slate-700 hover:bg-slate-100"} ${focusRing}`
              }
            >
              {session.title || "New chat"}
            </NavLink>
          </li>
        ))}
      </ul>
      <PageControls pages={pages} nextCursor={sessions.data?.next_cursor} />
    </aside>
  );
}
