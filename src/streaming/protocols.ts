// Protocol names and header names of the Kubernetes streaming protocols, and
// the negotiation kubelet does over them.

export const HEADER_PROTOCOL_VERSION = 'x-stream-protocol-version';
export const HEADER_ACCEPTED_PROTOCOL_VERSIONS = 'X-Accepted-Stream-Protocol-Versions';
export const HEADER_STREAM_TYPE = 'streamtype';
export const HEADER_PORT = 'port';
export const HEADER_REQUEST_ID = 'requestid';

export const REMOTE_COMMAND_V5 = 'v5.channel.k8s.io';
export const REMOTE_COMMAND_V4 = 'v4.channel.k8s.io';
export const REMOTE_COMMAND_V3 = 'v3.channel.k8s.io';
export const REMOTE_COMMAND_V2 = 'v2.channel.k8s.io';
export const REMOTE_COMMAND_V1 = 'channel.k8s.io';
export const PORT_FORWARD_V1 = 'portforward.k8s.io';

/** SPDY remote command protocols, newest first (v5 is v4 on SPDY; its close signal is WebSocket-only). */
export const SPDY_REMOTE_COMMAND_PROTOCOLS = [REMOTE_COMMAND_V5, REMOTE_COMMAND_V4, REMOTE_COMMAND_V3, REMOTE_COMMAND_V2, REMOTE_COMMAND_V1];
export const SPDY_PORT_FORWARD_PROTOCOLS = [PORT_FORWARD_V1];

/** A WebSocket subprotocol: binary frames or base64 text frames, JSON status or plain text. */
export interface WebSocketProtocol {
  name: string;
  base64: boolean;
  jsonStatus: boolean;
  /** v5: channel 255 carries "close this channel" (stdin half-close). */
  closeSignal: boolean;
}

const ws = (name: string, base64: boolean, jsonStatus: boolean, closeSignal = false): WebSocketProtocol => ({ name, base64, jsonStatus, closeSignal });

export const WS_REMOTE_COMMAND_PROTOCOLS: WebSocketProtocol[] = [
  ws('v5.channel.k8s.io', false, true, true),
  ws('v4.channel.k8s.io', false, true),
  ws('v4.base64.channel.k8s.io', true, true),
  ws('channel.k8s.io', false, false),
  ws('base64.channel.k8s.io', true, false),
];

export const WS_PORT_FORWARD_PROTOCOLS: WebSocketProtocol[] = [
  ws('v4.channel.k8s.io', false, false),
  ws('v4.base64.channel.k8s.io', true, false),
  // Not kubelet's, but what some clients send for port-forward over WebSocket.
  ws('portforward.k8s.io', false, false),
];

/** A client that names no subprotocol gets binary channels with plain-text errors. */
export const WS_NO_SUBPROTOCOL: WebSocketProtocol = ws('', false, false);

/** The first protocol in the client's order that the server supports, like apimachinery's httpstream.Handshake. */
export function negotiate(clientProtocols: string[], serverProtocols: string[]): string | undefined {
  return clientProtocols.find((p) => serverProtocols.includes(p));
}

/** Header values may come as repeated headers or comma-separated lists. */
export function splitHeaderList(value: string | string[] | undefined): string[] {
  const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}
