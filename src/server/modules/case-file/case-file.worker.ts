/** Worker thread of the case file: renders PDFs away from the event loop (see IsolatedWorker). */
import { parentPort } from 'node:worker_threads';
import type { WorkerReply } from '../../util/isolated-worker.ts';
import { renderCaseFile, type CaseFileData } from './case-file.pdf.ts';

parentPort!.on('message', async ({ id, input }: { id: number; input: CaseFileData }) => {
  let reply: WorkerReply<Uint8Array>;
  try {
    // Buffers arrive as plain Uint8Arrays (structured clone); pdfkit wants Buffers.
    const photos = input.photos.map((p) => ({ ...p, bytes: Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength) }));
    const pdf = await renderCaseFile({ ...input, photos });
    reply = { id, ok: true, output: new Uint8Array(pdf) }; // a copy of its own, so it can be transferred
  } catch (error) {
    reply = { id, ok: false, error: (error as Error).message };
  }
  parentPort!.postMessage(reply, reply.ok ? [reply.output.buffer as ArrayBuffer] : []);
});
