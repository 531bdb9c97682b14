/** A Server-Sent Events stream parsed as the HTML standard describes it, fed text as it arrives: a chunk may end
 * anywhere, even between the CR and LF of one line break. */

export interface SseMessage {
  /** The stream's last event id when the message was dispatched; an `id` field sets it for later messages too. */
  id: string;
  /** The `event` field, "message" when absent. */
  event: string;
  /** The `data` fields joined by line breaks. */
  data: string;
}

export type SseItem =
  | { kind: "message"; message: SseMessage }
  /** A line starting with a colon; servers send them to keep a quiet connection open. */
  | { kind: "comment"; text: string }
  /** The reconnection delay the server asks for. */
  | { kind: "retry"; milliseconds: number };

const BYTE_ORDER_MARK = "\uFEFF";

export class SseParser {
  private pending = "";
  private data = "";
  private hasData = false;
  private eventType = "";
  private lastEventId: string;
  private atStreamStart = true;
  // The previous chunk ended with CR: an LF at the start of the next one ends the same line.
  private skipLineFeed = false;

  constructor(lastEventId = "") {
    this.lastEventId = lastEventId;
  }

  /** The messages, comments and retry fields completed by this chunk. */
  push(chunk: string): SseItem[] {
    let text = chunk;
    if (this.atStreamStart && text.length > 0) {
      this.atStreamStart = false;
      if (text.startsWith(BYTE_ORDER_MARK)) text = text.slice(1);
    }
    if (text.length === 0) return [];
    if (this.skipLineFeed && text.startsWith("\n")) text = text.slice(1);
    this.skipLineFeed = false;
    const items: SseItem[] = [];
    let buffer = this.pending + text;
    for (;;) {
      const end = buffer.search(/[\r\n]/);
      if (end === -1) break;
      const line = buffer.slice(0, end);
      let next = end + 1;
      if (buffer[end] === "\r") {
        if (end + 1 === buffer.length) this.skipLineFeed = true;
        else if (buffer[end + 1] === "\n") next = end + 2;
      }
      buffer = buffer.slice(next);
      const item = this.line(line);
      if (item !== null) items.push(item);
    }
    this.pending = buffer;
    return items;
  }

  /** The connection closed: a message without its closing blank line is dropped, as the standard says. */
  end(): void {
    this.pending = "";
    this.data = "";
    this.hasData = false;
    this.eventType = "";
    this.skipLineFeed = false;
    this.atStreamStart = true;
  }

  private line(line: string): SseItem | null {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) return { kind: "comment", text: withoutLeadingSpace(line.slice(1)) };
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? "" : withoutLeadingSpace(line.slice(colon + 1));
    switch (field) {
      case "event":
        this.eventType = value;
        return null;
      case "data":
        this.data = this.hasData ? `${this.data}\n${value}` : value;
        this.hasData = true;
        return null;
      case "id":
        if (!value.includes("\0")) this.lastEventId = value;
        return null;
      case "retry":
        return /^[0-9]+$/.test(value) ? { kind: "retry", milliseconds: Number(value) } : null;
      default:
        return null;
    }
  }

  private dispatch(): SseItem | null {
    const item: SseItem | null = this.hasData
      ? { kind: "message", message: { id: this.lastEventId, event: this.eventType || "message", data: this.data } }
      : null;
    this.data = "";
    this.hasData = false;
    this.eventType = "";
    return item;
  }
}

function withoutLeadingSpace(value: string): string {
  return value.startsWith(" ") ? value.slice(1) : value;
}
