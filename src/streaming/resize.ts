// The resize channel carries a stream of JSON objects such as
// {"Width":80,"Height":24}, back to back or newline-separated (client-go writes
// them with json.Encoder). Like Go's decoder, field names match in any case.
import type { Readable } from 'node:stream';
import { AsyncQueue } from './async-queue.js';
import type { TerminalSize } from './backend.js';

/** Splits text into complete top-level JSON values; returns them and the unfinished rest. */
export function splitJsonValues(text: string): { values: string[]; rest: string } {
  const values: string[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0 && start >= 0) {
        values.push(text.slice(start, i + 1));
        start = -1;
      }
    } else if (depth === 0 && !/\s/.test(c)) {
      throw new Error(`unexpected ${JSON.stringify(c)} in resize stream`);
    }
  }
  return { values, rest: start >= 0 ? text.slice(start) : '' };
}

export function parseTerminalSize(json: string): TerminalSize {
  const obj = JSON.parse(json) as unknown;
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new Error('resize message is not an object');
  let width = 0;
  let height = 0;
  for (const [key, value] of Object.entries(obj)) {
    const k = key.toLowerCase();
    if ((k === 'width' || k === 'height') && (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 0xffff)) {
      throw new Error(`resize ${key} must be a 16-bit unsigned integer`);
    }
    if (k === 'width') width = value as number;
    if (k === 'height') height = value as number;
  }
  return { width, height };
}

/** Turns the resize channel into terminal sizes; stops at the first malformed message, like kubelet. */
export function resizeEvents(source: Readable): AsyncQueue<TerminalSize> {
  const queue = new AsyncQueue<TerminalSize>();
  let pending = '';
  const stop = () => {
    source.off('data', onData);
    source.resume();
    queue.end();
  };
  const onData = (chunk: Buffer) => {
    try {
      const { values, rest } = splitJsonValues(pending + chunk.toString('utf8'));
      pending = rest;
      for (const v of values) queue.push(parseTerminalSize(v));
    } catch {
      stop();
    }
  };
  source.on('data', onData);
  source.once('end', () => queue.end());
  source.once('close', () => queue.end());
  return queue;
}
