import { useParams } from "react-router";
import { EmptyState } from "../../ui/EmptyState";
import { Conversation } from "./Conversation";
import { SessionsSidebar } from "./SessionsSidebar";

export function ChatPage() {
  const { sessionId } = useParams();
  return (
    <section aria-labelledby="chat-title" className="flex h-[calc(100vh-8rem)] flex-col">
      <h1 id="chat-title" className="mb-4 text-2xl font-bold">
        Chat
      </h1>
      <div className="flex min-h-0 flex-1 gap-6">
        <SessionsSidebar />
        {sessionId === undefined ? (
          <div className="flex-1">
            <EmptyState title="Pick a chat or start one">
              Chat with a provider's model, an agent, a crew or a flow; replies stream in as they are written.
            </EmptyState>
          </div>
        ) : (
          // A new session is a new socket: the key remounts the conversation.
          <Conversation key={sessionId} sessionId={sessionId} />
        )}
      </div>
    </section>
  );
}
