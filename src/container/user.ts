// Resolving who a container runs as, from the request's security context and
// the image's USER, against the image's /etc/passwd and /etc/group: what
// runc's user lookup does, as pure functions over the files' text.
import { InvalidArgumentError } from '../common/errors.js';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  /** The name, when the uid has one in the image. */
  username?: string;
  home: string;
}

export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 7 || line.startsWith('#')) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) continue;
    out.push({ name: f[0]!, uid, gid, home: f[5]! });
  }
  return out;
}

export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 4 || line.startsWith('#')) continue;
    const gid = Number(f[2]);
    if (!Number.isInteger(gid)) continue;
    out.push({ name: f[0]!, gid, members: f[3]!.split(',').filter(Boolean) });
  }
  return out;
}

export interface UserRequest {
  /** run_as_user from the security context. */
  runAsUser?: number;
  /** run_as_username from the security context. */
  runAsUsername?: string;
  runAsGroup?: number;
  supplementalGroups: number[];
  /** The image config's USER: "", "1002", "1002:1003", "www-data", "www-data:grp". */
  imageUser: string;
}

/**
 * Precedence as in containerd: run_as_user / run_as_username override the
 * image USER's user part; run_as_group overrides any group. The primary group
 * comes from passwd when not given. The groups listing the user in
 * /etc/group are added, then the requested supplemental groups.
 */
export function resolveUser(req: UserRequest, passwd: PasswdEntry[], groups: GroupEntry[], field = 'config.linux.security_context'): ResolvedUser {
  const [imageUserPart = '', imageGroupPart] = req.imageUser ? req.imageUser.split(':') : [];
  let userSpec: string;
  if (req.runAsUser !== undefined) userSpec = String(req.runAsUser);
  else if (req.runAsUsername) userSpec = req.runAsUsername;
  else userSpec = imageUserPart || '0';

  let uid: number;
  let entry: PasswdEntry | undefined;
  if (/^\d+$/.test(userSpec)) {
    uid = Number(userSpec);
    entry = passwd.find((p) => p.uid === uid);
  } else {
    entry = passwd.find((p) => p.name === userSpec);
    if (!entry) throw new InvalidArgumentError(req.runAsUsername ? `${field}.run_as_username` : 'image USER', `no user "${userSpec}" in the image's /etc/passwd`);
    uid = entry.uid;
  }

  let gid: number;
  const groupSpec = req.runAsGroup !== undefined ? String(req.runAsGroup) : imageGroupPart;
  if (groupSpec) {
    if (/^\d+$/.test(groupSpec)) gid = Number(groupSpec);
    else {
      const g = groups.find((x) => x.name === groupSpec);
      if (!g) throw new InvalidArgumentError('image USER', `no group "${groupSpec}" in the image's /etc/group`);
      gid = g.gid;
    }
  } else gid = entry?.gid ?? 0;

  const additional = new Set<number>();
  if (entry) for (const g of groups) if (g.members.includes(entry.name) && g.gid !== gid) additional.add(g.gid);
  for (const g of req.supplementalGroups) if (g !== gid) additional.add(g);
  return { uid, gid, additionalGids: [...additional], username: entry?.name, home: entry?.home ?? '/' };
}
