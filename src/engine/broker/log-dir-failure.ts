// What a broker does when its log dir fails (Kafka's LogDirFailureChannel, for a broker with
// one log dir): an I/O error from the disk (ENOSPC, EIO, EROFS, ...) on an append or a read
// takes the whole dir offline. From then on every partition answers KAFKA_STORAGE_ERROR; the
// broker tells the controller (controlled shutdown: it is fenced, leaders move to in-sync
// replicas and the ISRs drop it) and exits with EXIT_LOG_DIR_FAILED, as Kafka halts a broker
// whose last log dir failed. Its log is recovered at the next start (no clean-shutdown
// marker), when `cluster broker start` brings it back after space was freed.

/** Exit code of a broker that stopped because its log dir failed; the daemon does not restart it. */
export const EXIT_LOG_DIR_FAILED = 3;

const IO_ERROR_CODES = new Set(['ENOSPC', 'EIO', 'EROFS', 'EDQUOT', 'EFBIG', 'ENXIO', 'ENODEV', 'ESTALE', 'EBADF', 'ENOENT', 'EACCES', 'EPERM']);

/** True for an error of the filesystem under the log dir (as opposed to bad input or a bug). */
export function isLogDirIoError(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && IO_ERROR_CODES.has(code);
}
