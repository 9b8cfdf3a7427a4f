// CreateContainerRequest → ContainerRequestSpec: validated, in husk's own
// terms, nothing touched yet. Pure; the container service acts on it.
import { InvalidArgumentError } from '../common/errors.js';
import { checkName, checkAbsolutePath, checkRelativePath } from '../common/request-checks.js';
import type { ContainerConfig__Output } from '../generated/runtime/v1/ContainerConfig.js';
import type { LinuxContainerResources__Output } from '../generated/runtime/v1/LinuxContainerResources.js';
import type { SecurityProfile__Output } from '../generated/runtime/v1/SecurityProfile.js';
import { MountPropagation } from '../generated/runtime/v1/MountPropagation.js';
import { NamespaceMode } from '../generated/runtime/v1/NamespaceMode.js';

export type Propagation = 'rprivate' | 'rslave' | 'rshared';

export interface MountRequest {
  containerPath: string;
  hostPath: string;
  readonly: boolean;
  recursiveReadOnly: boolean;
  propagation: Propagation;
}

export interface DeviceRequest {
  containerPath: string;
  hostPath: string;
  permissions: string;
}

export type SeccompRequest = { type: 'unconfined' } | { type: 'runtime-default' } | { type: 'localhost'; path: string };

export interface ContainerRequestSpec {
  name: string;
  attempt: number;
  image: string;
  command: string[];
  args: string[];
  workingDir: string;
  env: { key: string; value: string }[];
  mounts: MountRequest[];
  devices: DeviceRequest[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Relative to the pod's log directory. */
  logPath: string;
  stdin: boolean;
  stdinOnce: boolean;
  tty: boolean;
  security: {
    privileged: boolean;
    addCapabilities: string[];
    dropCapabilities: string[];
    addAmbientCapabilities: string[];
    readonlyRootfs: boolean;
    runAsUser?: number;
    runAsUsername?: string;
    runAsGroup?: number;
    supplementalGroups: number[];
    noNewPrivs: boolean;
    /** Empty means the runtime's defaults. */
    maskedPaths: string[];
    readonlyPaths: string[];
    seccomp: SeccompRequest;
    pidNamespace: 'pod' | 'container' | 'node' | 'target';
    targetId: string;
  };
  resources: LinuxContainerResources__Output | null;
  /** A Signal enum value; 0 means "the image's, else SIGTERM". */
  stopSignal: number;
}

const PROPAGATIONS: Record<number, Propagation> = {
  [MountPropagation.PROPAGATION_PRIVATE]: 'rprivate',
  [MountPropagation.PROPAGATION_HOST_TO_CONTAINER]: 'rslave',
  [MountPropagation.PROPAGATION_BIDIRECTIONAL]: 'rshared',
};

const F = 'config';
const SC = 'config.linux.security_context';

export function containerSpec(config: ContainerConfig__Output | null): ContainerRequestSpec {
  if (!config) throw new InvalidArgumentError(F, 'is required');
  const md = config.metadata;
  if (!md) throw new InvalidArgumentError(`${F}.metadata`, 'is required');
  const name = checkName(md.name, `${F}.metadata.name`);
  if (!config.image?.image) throw new InvalidArgumentError(`${F}.image.image`, 'is required');
  const sc = config.linux?.security_context;

  const mounts = (config.mounts ?? []).map((m, i): MountRequest => {
    const field = `${F}.mounts[${i}]`;
    const propagation = PROPAGATIONS[m.propagation];
    if (!propagation) throw new InvalidArgumentError(`${field}.propagation`, `unknown propagation ${m.propagation}`);
    if (m.image?.image) throw new InvalidArgumentError(`${field}.image`, 'image volumes are not supported by husk yet');
    return {
      containerPath: checkAbsolutePath(m.container_path, `${field}.container_path`),
      hostPath: checkAbsolutePath(m.host_path, `${field}.host_path`),
      readonly: m.readonly || m.recursive_read_only,
      recursiveReadOnly: m.recursive_read_only,
      propagation,
    };
  });
  const devices = (config.devices ?? []).map((d, i): DeviceRequest => {
    const field = `${F}.devices[${i}]`;
    const permissions = d.permissions || 'rwm';
    if (!/^[rwm]{1,3}$/.test(permissions)) throw new InvalidArgumentError(`${field}.permissions`, `"${d.permissions}" is not a subset of "rwm"`);
    return {
      containerPath: checkAbsolutePath(d.container_path, `${field}.container_path`),
      hostPath: checkAbsolutePath(d.host_path, `${field}.host_path`),
      permissions,
    };
  });
  const env = (config.envs ?? []).map((kv, i) => {
    if (!kv.key || kv.key.includes('=') || kv.key.includes('\0')) throw new InvalidArgumentError(`${F}.envs[${i}].key`, `"${kv.key}" is not an environment variable name`);
    return { key: kv.key, value: Buffer.isBuffer(kv.value) ? kv.value.toString('utf8') : String(kv.value ?? '') };
  });
  for (const [i, a] of [...config.command, ...config.args].entries()) {
    if (a.includes('\0')) throw new InvalidArgumentError(i < config.command.length ? `${F}.command` : `${F}.args`, 'contains a NUL byte');
  }

  if (sc?.run_as_group && !sc.run_as_user && !sc.run_as_username) {
    throw new InvalidArgumentError(`${SC}.run_as_group`, 'needs run_as_user or run_as_username');
  }
  const pidMode = sc?.namespace_options?.pid ?? NamespaceMode.POD;
  const pidNamespace = pidMode === NamespaceMode.CONTAINER ? 'container' : pidMode === NamespaceMode.NODE ? 'node' : pidMode === NamespaceMode.TARGET ? 'target' : 'pod';
  if (pidNamespace === 'target' && !sc?.namespace_options?.target_id) throw new InvalidArgumentError(`${SC}.namespace_options.target_id`, 'is required with pid TARGET');

  return {
    name,
    attempt: md.attempt,
    image: config.image.image,
    command: config.command ?? [],
    args: config.args ?? [],
    workingDir: config.working_dir ? checkAbsolutePath(config.working_dir, `${F}.working_dir`) : '',
    env,
    mounts,
    devices,
    labels: config.labels ?? {},
    annotations: config.annotations ?? {},
    logPath: config.log_path ? checkRelativePath(config.log_path, `${F}.log_path`) : '',
    stdin: config.stdin,
    stdinOnce: config.stdin_once,
    tty: config.tty,
    security: {
      privileged: sc?.privileged ?? false,
      addCapabilities: sc?.capabilities?.add_capabilities ?? [],
      dropCapabilities: sc?.capabilities?.drop_capabilities ?? [],
      addAmbientCapabilities: sc?.capabilities?.add_ambient_capabilities ?? [],
      readonlyRootfs: sc?.readonly_rootfs ?? false,
      runAsUser: sc?.run_as_user ? Number(sc.run_as_user.value) : undefined,
      runAsUsername: sc?.run_as_username || undefined,
      runAsGroup: sc?.run_as_group ? Number(sc.run_as_group.value) : undefined,
      supplementalGroups: (sc?.supplemental_groups ?? []).map(Number),
      noNewPrivs: sc?.no_new_privs ?? false,
      maskedPaths: (sc?.masked_paths ?? []).map((p, i) => checkAbsolutePath(p, `${SC}.masked_paths[${i}]`)),
      readonlyPaths: (sc?.readonly_paths ?? []).map((p, i) => checkAbsolutePath(p, `${SC}.readonly_paths[${i}]`)),
      seccomp: seccompOf(sc?.seccomp ?? null, sc?.seccomp_profile_path ?? ''),
      pidNamespace,
      targetId: sc?.namespace_options?.target_id ?? '',
    },
    resources: config.linux?.resources ?? null,
    stopSignal: config.stop_signal ?? 0,
  };
}

/** The structured field wins; the deprecated path form is still honoured. Nothing given = unconfined (kubelet's default). */
function seccompOf(profile: SecurityProfile__Output | null, legacyPath: string): SeccompRequest {
  if (profile) {
    if (profile.profile_type === 0) return { type: 'runtime-default' };
    if (profile.profile_type === 1) return { type: 'unconfined' };
    if (profile.profile_type === 2) return { type: 'localhost', path: checkAbsolutePath(profile.localhost_ref, `${SC}.seccomp.localhost_ref`) };
    throw new InvalidArgumentError(`${SC}.seccomp.profile_type`, `unknown profile type ${profile.profile_type}`);
  }
  if (!legacyPath || legacyPath === 'unconfined') return { type: 'unconfined' };
  if (legacyPath === 'runtime/default' || legacyPath === 'docker/default') return { type: 'runtime-default' };
  if (legacyPath.startsWith('localhost/')) return { type: 'localhost', path: checkAbsolutePath(legacyPath.slice('localhost'.length), `${SC}.seccomp_profile_path`) };
  throw new InvalidArgumentError(`${SC}.seccomp_profile_path`, `"${legacyPath}" is not a seccomp profile`);
}
