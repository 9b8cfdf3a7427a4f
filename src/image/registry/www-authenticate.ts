// Parses WWW-Authenticate (RFC 9110 §11.6.1): one or more challenges, each a
// scheme followed by comma-separated `name=value` parameters (token or
// quoted-string). Several headers joined with ", " parse the same way.

export interface Challenge {
  /** Lowercase: `bearer`, `basic`. */
  scheme: string;
  /** Parameter names lowercased; values unquoted. */
  params: Record<string, string>;
}

const TOKEN_CHAR = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;

export function parseWwwAuthenticate(header: string | string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  const text = Array.isArray(header) ? header.join(', ') : header;
  const out: Challenge[] = [];
  let i = 0;

  const skip = (chars: RegExp) => {
    while (i < text.length && chars.test(text[i]!)) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < text.length && TOKEN_CHAR.test(text[i]!)) i++;
    return text.slice(start, i);
  };
  const quoted = (): string => {
    let value = '';
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\' && i + 1 < text.length) i++;
      value += text[i];
      i++;
    }
    i++; // closing quote
    return value;
  };

  while (i < text.length) {
    skip(/[\s,]/);
    const scheme = token();
    if (!scheme) {
      i++;
      continue;
    }
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    out.push(challenge);
    skip(/[ \t]/);
    for (;;) {
      const save = i;
      const name = token();
      skip(/[ \t]/);
      if (!name || text[i] !== '=') {
        i = save;
        break;
      }
      i++;
      skip(/[ \t]/);
      challenge.params[name.toLowerCase()] = text[i] === '"' ? quoted() : token();
      skip(/[ \t]/);
      if (text[i] !== ',') break;
      i++;
      skip(/[ \t]/);
    }
  }
  return out;
}
