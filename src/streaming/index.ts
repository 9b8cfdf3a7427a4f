// Streaming (Exec, Attach, PortForward): the server that hands out URLs and
// speaks the Kubernetes remote command and port-forward protocols, and the
// backend interface the pod/container domain implements behind it.
export { startStreamingServer, type StreamingServer, type StreamingServerOptions } from './server.js';
export type { StreamingBackend, StreamIO, TerminalSize } from './backend.js';
export { TooManyStreamingRequestsError } from './request-cache.js';
