/**
 * Stopping and resuming the reads of an accepted socket at its TCP handle, for the black-hole
 * fault. Node's HTTP/2 (and HTTP/1) servers read the handle directly, and nghttp2 acknowledges
 * PING and SETTINGS frames by itself, so pausing the JavaScript stream leaves a "silent" member
 * answering pings. A handle that does not read is what a frozen process looks like: the kernel
 * still accepts the bytes, nothing reads or answers them, and they are read in order once it
 * reads again. Node has no public API for this; `_handle.readStop()`/`readStart()` is libuv's.
 */
import type { Socket } from 'node:net';

interface StreamHandle {
  reading?: boolean;
  readStart?: () => number;
  readStop?: () => number;
}

export function setSocketReading(socket: Socket, reading: boolean): void {
  const handle = (socket as unknown as { _handle?: StreamHandle | null })._handle;
  if (!handle?.readStart || !handle.readStop) return;
  if (reading) handle.readStart();
  else handle.readStop();
  handle.reading = reading;
}
