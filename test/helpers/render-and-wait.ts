/**
 * Child process for the leftover-Chromium test: renders one PDF with a profile root, prints the
 * browser's pid and profile, then waits to be killed (SIGKILL: no cleanup of any kind runs).
 * Usage: render-and-wait.ts <profileRoot> <chromiumPath>
 */
import { PdfRenderer } from '../../libs/reports/src/pdf-renderer';

async function main() {
  const [profileRoot, executablePath] = process.argv.slice(2);
  const renderer = new PdfRenderer({ executablePath, profileRoot });
  const pdf = await renderer.render('<html><body><p>渲染后被杀</p></body></html>');
  process.stdout.write(
    `${JSON.stringify({ pdfBytes: pdf.length, browserPid: await renderer.browserPid(), profileDir: await renderer.profileDir() })}\n`,
  );
  setInterval(() => undefined, 60_000);
}

void main();
