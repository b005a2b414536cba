/** Worker thread of the inspection report: renders the PDF or the workbook away from the event loop (see IsolatedWorker). */
import { parentPort } from 'node:worker_threads';
import type { WorkerReply } from '../../util/isolated-worker.ts';
import type { ReportJob } from './report-data.ts';
import { renderReportPdf } from './report.pdf.ts';
import { renderReportXlsx } from './report.xlsx.ts';

parentPort!.on('message', async ({ id, input }: { id: number; input: ReportJob }) => {
  let reply: WorkerReply<Uint8Array>;
  try {
    const bytes = input.format === 'pdf' ? await renderReportPdf(input.data) : await renderReportXlsx(input.data);
    reply = { id, ok: true, output: new Uint8Array(bytes) }; // a copy of its own, so it can be transferred
  } catch (error) {
    reply = { id, ok: false, error: (error as Error).message };
  }
  parentPort!.postMessage(reply, reply.ok ? [reply.output.buffer as ArrayBuffer] : []);
});
