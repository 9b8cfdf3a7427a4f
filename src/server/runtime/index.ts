// RuntimeService RPCs husk has built. Every other RPC answers UNIMPLEMENTED.
import type { RuntimeHandlers } from '../rpc-types.js';
import { Version } from './version.js';
import { Status } from './status.js';
import { RuntimeConfig, UpdateRuntimeConfig } from './runtime-config.js';
import { RunPodSandbox, StopPodSandbox, RemovePodSandbox, PodSandboxStatus, ListPodSandbox, StreamPodSandboxes } from './pod-sandbox.js';
import { CreateContainer, StartContainer, StopContainer, RemoveContainer } from './container-lifecycle.js';
import { ContainerStatus, ListContainers, StreamContainers } from './container-status.js';
import { GetContainerEvents } from './container-events.js';
import { ContainerStats, ListContainerStats, StreamContainerStats, PodSandboxStats, ListPodSandboxStats, StreamPodSandboxStats, UpdatePodSandboxResources } from './stats.js';
import { ExecSync, Exec, Attach, PortForward, ReopenContainerLog, UpdateContainerResources } from './container-exec.js';

export const runtimeHandlers: RuntimeHandlers = {
  Version,
  Status,
  RuntimeConfig,
  UpdateRuntimeConfig,
  RunPodSandbox,
  StopPodSandbox,
  RemovePodSandbox,
  PodSandboxStatus,
  ListPodSandbox,
  StreamPodSandboxes,
  CreateContainer,
  StartContainer,
  StopContainer,
  RemoveContainer,
  ContainerStatus,
  ListContainers,
  StreamContainers,
  GetContainerEvents,
  ExecSync,
  Exec,
  Attach,
  PortForward,
  ReopenContainerLog,
  UpdateContainerResources,
  ContainerStats,
  ListContainerStats,
  StreamContainerStats,
  PodSandboxStats,
  ListPodSandboxStats,
  StreamPodSandboxStats,
  UpdatePodSandboxResources,
};
