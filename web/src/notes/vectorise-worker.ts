/**
 * Times the notes' dot product off the page's thread (src/analysis/vectorise.ts's timeDot),
 * so the page stays live while ten million products run.
 */
import { timeDot, type DotTiming } from '../../../src/analysis/vectorise.js';
import { backendInfo } from '../../../src/kernels/backend.js';

/** What the page asks: one timing. */
export interface TimeRequest { size: number; repeat: number }
/** What comes back: the timing, or the reason there is none. */
export type TimeReply = { ok: true; timing: DotTiming; backend: string } | { ok: false; message: string };

self.onmessage = (e: MessageEvent<TimeRequest>) => {
  let reply: TimeReply;
  try {
    reply = { ok: true, timing: timeDot(e.data.size, e.data.repeat), backend: backendInfo().name };
  } catch (err) {
    reply = { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  self.postMessage(reply);
};
