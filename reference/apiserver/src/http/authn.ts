// Bearer-token authentication from a static token file in upstream's CSV form
// (`token,user,uid,"group1,group2"`), as kube-apiserver's --token-auth-file reads it.
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';

export interface User {
  name: string;
  uid: string;
  groups: string[];
}

export type Authenticator = (req: IncomingMessage) => User | undefined;

export function parseTokenFile(text: string, file = 'token file'): Map<string, User> {
  const users = new Map<string, User>();
  text.split('\n').forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fields = splitCsv(trimmed);
    if (fields.length < 3 || !fields[0] || !fields[1]) {
      throw new Error(
        `${file}:${index + 1}: want token,user,uid[,"groups"], found ${fields.length} field(s)`,
      );
    }
    const groups = (fields[3] ?? '')
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean);
    users.set(fields[0], { name: fields[1], uid: fields[2]!, groups: [...groups, 'system:authenticated'] });
  });
  return users;
}

function splitCsv(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out;
}

export function tokenAuthenticator(users: Map<string, User>): Authenticator {
  return (req) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match ? users.get(match[1]!) : undefined;
  };
}

export function tokenFileAuthenticator(path: string): Authenticator {
  return tokenAuthenticator(parseTokenFile(readFileSync(path, 'utf8'), path));
}
