// Runs a compiled cgroup device program (struct bpf_insn array) on one
// access request, for the instructions husk's compiler emits, so tests can
// check what a rule list allows without loading it into a kernel.

export interface DeviceRequest {
  type: 'b' | 'c';
  major: number;
  minor: number;
  /** Letters from `rwm`: what the access asks for. */
  access: string;
}

const DEV_TYPE = { b: 1, c: 2 } as const;
const ACCESS_BIT = { m: 1, r: 2, w: 4 } as const;
const MASK64 = (1n << 64n) - 1n;

function accessBits(access: string): number {
  let bits = 0;
  for (const c of access) bits |= ACCESS_BIT[c as keyof typeof ACCESS_BIT];
  return bits;
}

/** Returns the program's r0: 1 allows the access, 0 denies it. Throws on an instruction it does not know. */
export function runDeviceProgram(program: Buffer, req: DeviceRequest): number {
  const ctx = [(accessBits(req.access) << 16) | DEV_TYPE[req.type], req.major, req.minor];
  const regs: bigint[] = new Array<bigint>(11).fill(0n);
  const count = program.length / 8;
  for (let pc = 0, steps = 0; pc < count; pc++, steps++) {
    if (steps > count) throw new Error('program loops');
    const code = program.readUInt8(pc * 8);
    const regByte = program.readUInt8(pc * 8 + 1);
    const dst = regByte & 0xf;
    const src = regByte >> 4;
    const off = program.readInt16LE(pc * 8 + 2);
    const imm = BigInt.asUintN(64, BigInt(program.readInt32LE(pc * 8 + 4)));
    switch (code) {
      case 0x61: // ldxw dst, [src + off]: only the context is readable
        if (src !== 1 || off % 4 !== 0 || off < 0 || off >= 12) throw new Error(`pc ${pc}: read of r${src}+${off}`);
        regs[dst] = BigInt(ctx[off / 4]! >>> 0);
        break;
      case 0x57: // and64 dst, imm
        regs[dst] = regs[dst]! & imm;
        break;
      case 0x77: // rsh64 dst, imm
        regs[dst] = (regs[dst]! >> imm) & MASK64;
        break;
      case 0xb7: // mov64 dst, imm
        regs[dst] = imm;
        break;
      case 0xbf: // mov64 dst, src
        regs[dst] = regs[src]!;
        break;
      case 0x55: // jne dst, imm, +off
        if (regs[dst] !== imm) pc += off;
        break;
      case 0x95: // exit
        return Number(regs[0]);
      default:
        throw new Error(`pc ${pc}: opcode 0x${code.toString(16)} not understood`);
    }
  }
  throw new Error('program ran off its end');
}
