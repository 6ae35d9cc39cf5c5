// The kubelet's metrics as upstream names them: pod start duration once per pod, worker durations,
// running pods and containers from a relist, and the probe counters on /metrics/probes.
import { expect } from 'chai';
import { KubeletMetrics } from '../src/metrics/kubelet-metrics.ts';
import type { ContainerSummary } from '../src/runtime/container-runtime.ts';

const container = (uid: string, name: string, state: ContainerSummary['state']): ContainerSummary => ({
  id: `${uid}-${name}`,
  name,
  image: 'img',
  state,
  createdAt: '',
  labels: { 'io.kconform.pod-uid': uid, 'io.kconform.container-name': name },
});

describe('kubelet metrics', () => {
  it('names the node and counts pods with a running sandbox and containers by state', () => {
    const metrics = new KubeletMetrics('node-a');
    metrics.runtimeListed([
      container('p1', 'POD', 'running'),
      container('p1', 'app', 'running'),
      container('p1', 'init', 'exited'),
      container('p2', 'POD', 'exited'),
      container('p2', 'app', 'created'),
      container('p3', 'app', 'paused'),
    ]);
    const lines = metrics.render().split('\n');
    expect(lines).to.include.members([
      '# TYPE kubelet_node_name gauge',
      'kubelet_node_name{node="node-a"} 1',
      'kubelet_running_pods 1',
      'kubelet_running_containers{container_state="running"} 1',
      'kubelet_running_containers{container_state="exited"} 1',
      'kubelet_running_containers{container_state="created"} 1',
      'kubelet_running_containers{container_state="unknown"} 1',
    ]);
  });

  it('observes a pod’s start from first seen to its first Running, once', () => {
    let now = 1_000_000;
    const metrics = new KubeletMetrics('n', () => now);
    metrics.podSeen('u1');
    now += 2_500;
    metrics.podSeen('u1'); // seen again: the clock keeps its first time
    metrics.podPhase('u1', 'Pending');
    now += 1_000;
    metrics.podPhase('u1', 'Running');
    now += 60_000;
    metrics.podPhase('u1', 'Running');
    const text = metrics.render();
    expect(text).to.include('kubelet_pod_start_duration_seconds_bucket{le="3"} 0');
    expect(text).to.include('kubelet_pod_start_duration_seconds_bucket{le="4"} 1');
    expect(text).to.include('kubelet_pod_start_duration_seconds_sum 3.5');
    expect(text).to.include('kubelet_pod_start_duration_seconds_count 1');
    // upstream's buckets, 0.5 s to an hour
    expect(text).to.include('kubelet_pod_start_duration_seconds_bucket{le="0.5"} 0');
    expect(text).to.include('kubelet_pod_start_duration_seconds_bucket{le="3600"} 1');
  });

  it('times pod syncs by operation and counts started containers', () => {
    const metrics = new KubeletMetrics('n');
    metrics.podSynced('create', 0.3);
    metrics.podSynced('sync', 0.004);
    metrics.containerStarted(true, true);
    metrics.containerStarted(false, false);
    const text = metrics.render();
    expect(text).to.include('kubelet_pod_worker_duration_seconds_bucket{operation_type="create",le="0.5"} 1');
    expect(text).to.include('kubelet_pod_worker_duration_seconds_count{operation_type="sync"} 1');
    expect(text).to.include('kubelet_started_containers_total{container_type="init_container"} 1');
    expect(text).to.include(
      'kubelet_started_containers_errors_total{container_type="container",code="Error"} 1',
    );
    expect(text).to.match(/^process_resident_memory_bytes \d+$/m);
  });

  it('counts probes by type and result on /metrics/probes, not on /metrics', () => {
    const metrics = new KubeletMetrics('n');
    const target = { container: 'c', pod: 'p', namespace: 'ns', podUid: 'u' };
    metrics.probed('liveness', 'failure', target, 0.01);
    metrics.probed('liveness', 'failure', target, 0.01);
    metrics.probed('readiness', 'success', target, 0.02);
    metrics.probed('startup', 'unknown', target, 0.02);
    const probes = metrics.renderProbes();
    expect(probes).to.include(
      'prober_probe_total{probe_type="Liveness",result="failed",container="c",pod="p",namespace="ns",pod_uid="u"} 2',
    );
    expect(probes).to.include(
      'prober_probe_total{probe_type="Readiness",result="successful",container="c",pod="p",namespace="ns",pod_uid="u"} 1',
    );
    expect(probes).to.include('result="unknown"');
    expect(probes).to.include(
      'prober_probe_duration_seconds_count{probe_type="Readiness",container="c",pod="p",namespace="ns"} 1',
    );
    expect(probes).not.to.include('prober_probe_duration_seconds_count{probe_type="Liveness"');
    expect(metrics.render()).not.to.include('prober_probe_total');
  });
});
