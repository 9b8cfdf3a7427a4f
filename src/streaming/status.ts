// The metav1.Status objects the remote command protocols put on the error
// stream, in the JSON shape client-go decodes.
//
// v4 and v5 send the Status as JSON, on success too; older protocols send only
// a failure's message text, and nothing on success.

export interface StatusCause {
  reason?: string;
  message?: string;
}

export interface Status {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes: StatusCause[] };
  code?: number;
}

export function successStatus(): Status {
  return { metadata: {}, status: 'Success' };
}

/** What client-go turns into an exec.CodeExitError carrying `exitCode`. */
export function nonZeroExitStatus(cmd: string[], exitCode: number): Status {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${cmd.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

export function internalErrorStatus(what: string, err: unknown): Status {
  const text = `${what}: ${err instanceof Error ? err.message : String(err)}`;
  return {
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${text}`,
    reason: 'InternalError',
    details: { causes: [{ message: text }] },
    code: 500,
  };
}

/** The bytes for the error stream, or undefined when the protocol sends nothing. */
export function encodeStatus(status: Status, jsonStatus: boolean): Buffer | undefined {
  if (jsonStatus) return Buffer.from(JSON.stringify(status));
  return status.status === 'Success' ? undefined : Buffer.from(status.message ?? 'unknown error');
}
