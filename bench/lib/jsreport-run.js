'use strict';
// jsreport as its users run it (plain Node, default sandbox), on the template and data the benchmark wrote.
// Usage: node bench/lib/jsreport-run.js <job.json>; prints one JSON line { pdfs, seconds, bytes }.
const fs = require('node:fs');

async function main() {
  const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const jsreport = require('@jsreport/jsreport-core')({
    logger: { silent: true },
    reportTimeout: 120000,
    workers: { numberOfWorkers: job.inFlight },
    chrome: {
      strategy: 'chrome-pool',
      numberOfWorkers: job.inFlight,
      launchOptions: { executablePath: job.chromium, args: job.args },
    },
  });
  jsreport.use(require('@jsreport/jsreport-handlebars')());
  jsreport.use(require('@jsreport/jsreport-chrome-pdf')());
  await jsreport.init();
  const template = job.template;
  await jsreport.render({ template, data: job.models[0] });
  const t0 = Date.now();
  let next = 0;
  let bytes = 0;
  await Promise.all(
    Array.from({ length: job.inFlight }, async () => {
      while (next < job.models.length) {
        const data = job.models[next++];
        bytes += (await (await jsreport.render({ template, data })).output.getBuffer()).length;
      }
    }),
  );
  const seconds = (Date.now() - t0) / 1000;
  await jsreport.close();
  // its chrome-pool leaves browsers running after close(): end what this process started
  const rows = require('node:child_process')
    .execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  const stack = [process.pid];
  while (stack.length) {
    const p = stack.pop();
    for (const [pid, ppid] of rows) {
      if (ppid !== p) continue;
      stack.push(pid);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
  process.stdout.write(JSON.stringify({ pdfs: job.models.length, seconds, bytes }) + '\n');
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
