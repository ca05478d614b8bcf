import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { AppEnv } from "../platform/env";
import { AppError } from "../platform/errors";
import type { ErrorCode } from "../../schema/envelope";

/**
 * An answer streamed as `text/event-stream`, typed by its contract in
 * schema/ai-api.ts. Everything that can be refused (permissions, budget,
 * not_configured) is checked before the stream opens, so those answer as
 * ordinary JSON errors; a failure mid-stream (the provider dropped, the
 * budget ran out between rounds) becomes an `error` event and ends it.
 */
export type SendEvent<E> = <K extends keyof E & string>(name: K, data: E[K]) => Promise<void>;

export function aiEventStream<E extends { error: { code: ErrorCode; message: string } }>(
  c: Context<AppEnv>,
  run: (send: SendEvent<E>, signal: AbortSignal) => Promise<void>,
) {
  const aborted = new AbortController();
  return streamSSE(c, async (stream) => {
    stream.onAbort(() => aborted.abort());
    const send: SendEvent<E> = (name, data) => stream.writeSSE({ event: name, data: JSON.stringify(data) });
    const answering = run(send, aborted.signal);
    // A reader who leaves (Stop, a closed tab) ends the stream, not the work: the spent tokens are still metered.
    c.executionCtx.waitUntil(answering.catch(() => undefined));
    try {
      await answering;
    } catch (err) {
      const known = err instanceof AppError;
      if (!known) console.error(JSON.stringify({ level: "error", msg: "ai stream failed", requestId: c.get("requestId"), err: String(err) }));
      await send("error", {
        code: known ? err.code : "internal_error",
        message: known ? err.message : "The answer failed; try again",
      } as E["error"]);
    }
  });
}
