// The image's USER as CRI reports it: a numeric user becomes `uid`, anything
// else `username`; a group after `:` is not part of either (containerd's rule).

export interface ImageUser {
  uid?: bigint;
  username?: string;
}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

export function parseImageUser(user: string | undefined): ImageUser {
  if (!user) return {};
  const name = user.split(':')[0]!;
  if (/^[+-]?[0-9]+$/.test(name)) {
    const uid = BigInt(name);
    if (uid >= INT64_MIN && uid <= INT64_MAX) return { uid };
  }
  return { username: name };
}
