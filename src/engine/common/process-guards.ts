// Guards every process main installs first: a failed write to stdout or stderr (a full disk
// under the .out file, a closed pipe) emits 'error' on the stream, which would otherwise be
// an uncaught exception that ends the process. Output that cannot be written is dropped.
let installed = false;

export function ignoreOutputStreamErrors(): void {
  if (installed) return;
  installed = true;
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
}
