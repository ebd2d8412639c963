/**
 * The training worker: the page's messages go to one `PageSession` (./session.ts), which
 * drives the app layer and posts the answers back.
 */
import { PageSession } from './session.js';
import type { ToWorker } from './protocol.js';

const session = new PageSession((msg, transfer = []) => self.postMessage(msg, { transfer }));
self.addEventListener('message', (e: MessageEvent<ToWorker>) => void session.receive(e.data));
