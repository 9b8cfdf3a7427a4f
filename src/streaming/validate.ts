// The checks kubelet's streaming server makes before it hands out a URL, with
// husk's field-naming errors.
import { InvalidArgumentError } from '../common/errors.js';
import type { AttachRequest } from '../generated/runtime/v1/AttachRequest.js';
import type { ExecRequest } from '../generated/runtime/v1/ExecRequest.js';
import type { PortForwardRequest } from '../generated/runtime/v1/PortForwardRequest.js';

/** The parts of Exec and Attach requests that both validate alike. */
interface StdioFlags {
  container_id?: string;
  tty?: boolean;
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
}

function validateStdio(req: StdioFlags): void {
  if (!req.container_id) throw new InvalidArgumentError('container_id', 'missing required container_id');
  // A terminal has one output; kubelet refuses to multiplex stderr into it.
  if (req.tty && req.stderr) throw new InvalidArgumentError('stderr', 'tty and stderr cannot both be true');
  if (!req.stdin && !req.stdout && !req.stderr) throw new InvalidArgumentError('stdin', 'one of stdin, stdout, or stderr must be set');
}

export function validateExecRequest(req: ExecRequest): void {
  validateStdio(req);
  if (!req.cmd || req.cmd.length === 0) throw new InvalidArgumentError('cmd', 'must name the command to run');
}

export function validateAttachRequest(req: AttachRequest): void {
  validateStdio(req);
}

export function validatePortForwardRequest(req: PortForwardRequest): void {
  if (!req.pod_sandbox_id) throw new InvalidArgumentError('pod_sandbox_id', 'missing required pod_sandbox_id');
  (req.port ?? []).forEach((port, i) => {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError(`port[${i}]`, `${port} is not a TCP port (1-65535)`);
  });
}
