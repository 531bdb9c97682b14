import { describe, expect, it } from "vitest";
import { SseParser, type SseItem } from "../src/features/executions/sse";

function parse(chunks: readonly string[], parser = new SseParser()): SseItem[] {
  return chunks.flatMap((chunk) => parser.push(chunk));
}

const messages = (items: readonly SseItem[]) => items.flatMap((item) => (item.kind === "message" ? [item.message] : []));

const frame = 'id: 7\nevent: node_token\ndata: {"id":7,"type":"node_token"}\n\n';

describe("SseParser", () => {
  it("reads a frame with its id, event type and data", () => {
    expect(parse([frame])).toEqual([
      { kind: "message", message: { id: "7", event: "node_token", data: '{"id":7,"type":"node_token"}' } },
    ]);
  });

  it("gives the same messages however the stream is cut into chunks, even inside a line", () => {
    const stream = frame + ": heartbeat\n\n" + "id: 8\ndata: second\n\n";
    const whole = parse([stream]);
    for (let cut = 1; cut < stream.length; cut += 1) {
      expect(parse([stream.slice(0, cut), stream.slice(cut)])).toEqual(whole);
    }
    expect(parse(Array.from({ length: stream.length }, (_, index) => stream.charAt(index)))).toEqual(whole);
  });

  it("joins multi-line data with line breaks and keeps an empty data line", () => {
    expect(messages(parse(["data: first\ndata:second\ndata\ndata:  indented\n\n"]))).toEqual([
      { id: "", event: "message", data: "first\nsecond\n\n indented" },
    ]);
  });

  it("takes CRLF and CR line ends, also with CR and LF in different chunks", () => {
    expect(messages(parse(["id: 1\r\ndata: a\r\n\r\n", "id: 2\rdata: b\r", "\r", "data: c\r", "\n\r\n"]))).toEqual([
      { id: "1", event: "message", data: "a" },
      { id: "2", event: "message", data: "b" },
      { id: "2", event: "message", data: "c" },
    ]);
  });

  it("reports comments, such as heartbeats, and dispatches nothing for them", () => {
    expect(parse([": heartbeat\n\n", ":\n\n"])).toEqual([
      { kind: "comment", text: "heartbeat" },
      { kind: "comment", text: "" },
    ]);
  });

  it("keeps the last id for later messages, ignores ids with NUL, and starts from a given one", () => {
    const parser = new SseParser("41");
    expect(messages(parse(["data: a\n\n", "id: 42\n\ndata: b\n\n", "id: 4\u00003\ndata: c\n\n"], parser))).toEqual([
      { id: "41", event: "message", data: "a" },
      { id: "42", event: "message", data: "b" },
      { id: "42", event: "message", data: "c" },
    ]);
  });

  it("reports a numeric retry field and ignores any other", () => {
    expect(parse(["retry: 2500\n", "retry: soon\n", "retry: 10s\n\n"])).toEqual([{ kind: "retry", milliseconds: 2500 }]);
  });

  it("dispatches nothing for a frame without data, and resets the event type after each frame", () => {
    expect(messages(parse(["event: lonely\nid: 3\n\n", "data: plain\n\n"]))).toEqual([
      { id: "3", event: "message", data: "plain" },
    ]);
  });

  it("ignores unknown fields and strips a byte order mark at the start only", () => {
    expect(messages(parse(["\uFEFFdata: x\nfoo: bar\n\n", "data: \uFEFFy\n\n"]))).toEqual([
      { id: "", event: "message", data: "x" },
      { id: "", event: "message", data: "\uFEFFy" },
    ]);
  });

  it("drops a message cut off by the end of the stream", () => {
    const parser = new SseParser();
    expect(parser.push("id: 9\ndata: half")).toEqual([]);
    parser.end();
    expect(messages(parser.push("data: next\n\n"))).toEqual([{ id: "9", event: "message", data: "next" }]);
  });
});
