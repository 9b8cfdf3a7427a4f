// The cgroup device program husk compiles from a rule list: what it allows,
// checked by running the instructions, and the rule lists it refuses.
import { expect } from 'chai';
import { requireAddon } from '../../helpers/requirements.js';
import { fieldOf } from '../../helpers/invalid-field.js';
import { BPF_INSN_SIZE, compileDeviceFilter, type DeviceFilterRule } from '../../../src/native/index.js';
import { runDeviceProgram, type DeviceRequest } from '../../helpers/bpf-device-program.js';

const NULL_ONLY: DeviceFilterRule[] = [{ type: 'c', major: 1, minor: 3, access: 'rwm' }];

function allowed(rules: DeviceFilterRule[], req: DeviceRequest): boolean {
  return runDeviceProgram(compileDeviceFilter(rules), req) === 1;
}

// What the rules mean, independently of the compiler: any rule allowing the whole access allows it.
function modelAllows(rules: DeviceFilterRule[], req: DeviceRequest): boolean {
  return rules.some(
    (r) =>
      r.type === 'a' ||
      (r.type === req.type &&
        (r.major === '*' || r.major === req.major) &&
        (r.minor === '*' || r.minor === req.minor) &&
        [...req.access].every((c) => r.access.includes(c))),
  );
}

// Deterministic pseudo-random numbers (mulberry32), so a failure reproduces.
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('native addon: cgroup device program', function () {
  before(function () {
    requireAddon(this);
  });

  it('allows only the listed device, for the listed access', function () {
    expect(allowed(NULL_ONLY, { type: 'c', major: 1, minor: 3, access: 'rw' })).to.equal(true);
    expect(allowed(NULL_ONLY, { type: 'c', major: 1, minor: 3, access: 'm' })).to.equal(true);
    expect(allowed(NULL_ONLY, { type: 'c', major: 1, minor: 5, access: 'r' })).to.equal(false);
    expect(allowed(NULL_ONLY, { type: 'b', major: 1, minor: 3, access: 'r' })).to.equal(false);
    expect(allowed(NULL_ONLY, { type: 'c', major: 2, minor: 3, access: 'r' })).to.equal(false);
  });

  it('needs every requested access to be allowed by one rule', function () {
    const rules: DeviceFilterRule[] = [{ type: 'c', major: 1, minor: 5, access: 'r' }];
    expect(allowed(rules, { type: 'c', major: 1, minor: 5, access: 'r' })).to.equal(true);
    expect(allowed(rules, { type: 'c', major: 1, minor: 5, access: 'w' })).to.equal(false);
    expect(allowed(rules, { type: 'c', major: 1, minor: 5, access: 'rw' })).to.equal(false);
  });

  it('treats * as any number and a as every device', function () {
    const mknodAny: DeviceFilterRule[] = [{ type: 'c', major: '*', minor: '*', access: 'm' }];
    expect(allowed(mknodAny, { type: 'c', major: 250, minor: 7, access: 'm' })).to.equal(true);
    expect(allowed(mknodAny, { type: 'c', major: 250, minor: 7, access: 'r' })).to.equal(false);
    const pts: DeviceFilterRule[] = [{ type: 'c', major: 136, minor: '*', access: 'rwm' }];
    expect(allowed(pts, { type: 'c', major: 136, minor: 42, access: 'rw' })).to.equal(true);
    expect(allowed(pts, { type: 'c', major: 137, minor: 42, access: 'rw' })).to.equal(false);
    const all: DeviceFilterRule[] = [{ type: 'a', major: '*', minor: '*', access: 'rwm' }, ...NULL_ONLY];
    expect(allowed(all, { type: 'b', major: 8, minor: 0, access: 'rwm' })).to.equal(true);
  });

  it('denies everything for an empty list, and a rule with no access allows nothing', function () {
    expect(allowed([], { type: 'c', major: 1, minor: 3, access: 'r' })).to.equal(false);
    expect(allowed([{ type: 'c', major: 1, minor: 3, access: '' }], { type: 'c', major: 1, minor: 3, access: 'r' })).to.equal(false);
  });

  it('ends right after a rule that allows everything (the verifier refuses dead code)', function () {
    const program = compileDeviceFilter([{ type: 'a', major: '*', minor: '*', access: 'rwm' }, ...NULL_ONLY]);
    // prologue (6) + "r0 = 1; exit"
    expect(program.length / BPF_INSN_SIZE).to.equal(8);
  });

  it('agrees with the rule semantics on random rule lists', function () {
    const next = random(20240611);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    const numbers = [0, 1, 3, 5, 136, 4095];
    const accesses = ['', 'r', 'w', 'm', 'rw', 'rm', 'wm', 'rwm'];
    for (let round = 0; round < 300; round++) {
      const rules: DeviceFilterRule[] = Array.from({ length: Math.floor(next() * 6) }, () => ({
        type: next() < 0.05 ? 'a' : pick(['b', 'c'] as const),
        major: next() < 0.3 ? '*' : pick(numbers),
        minor: next() < 0.3 ? '*' : pick(numbers),
        access: pick(accesses),
      }));
      const program = compileDeviceFilter(rules);
      for (let i = 0; i < 20; i++) {
        const req: DeviceRequest = { type: pick(['b', 'c'] as const), major: pick(numbers), minor: pick(numbers), access: pick(accesses.slice(1)) };
        expect(runDeviceProgram(program, req) === 1, `${JSON.stringify(rules)} ${JSON.stringify(req)}`).to.equal(modelAllows(rules, req));
      }
    }
  });

  it('refuses rules it cannot express, naming the field', function () {
    const bad = (rule: Partial<DeviceFilterRule>) => fieldOf(() => compileDeviceFilter([...NULL_ONLY, { ...NULL_ONLY[0]!, ...rule } as DeviceFilterRule], { field: 'config.devices' }));
    expect(bad({ access: 'rwx' })).to.equal('config.devices[1].access');
    expect(bad({ type: 'p' as 'c' })).to.equal('config.devices[1].type');
    expect(bad({ major: -2 })).to.equal('config.devices[1].major');
    expect(bad({ minor: 2 ** 31 })).to.equal('config.devices[1].minor');
    expect(bad({ minor: 1.5 })).to.equal('config.devices[1].minor');
  });
});
