// Expected texts are copied from pkg/apis/core/validation/validation.go (validateContainers,
// validateContainerPorts, ValidateVolumes, ValidateVolumeMounts, validateHandler,
// validateResourceRequirements, ValidatePodUpdate) and checked against real v1.2x apiserver output
// where we have it (the "pod updates may not change fields other than ..." text).
import { expect } from 'chai';
import { validate } from '../../src/validation/core-v1.ts';
import { at, edited, LABEL_MSG, messages, pod, stored, type Obj } from './fixtures.ts';

const container = (p: Obj, i = 0): Obj => at(p, 'spec', 'containers', i);
const create = (p: Obj): string[] => messages(validate('Pod', p));

describe('validation: Pod', () => {
  it('accepts a defaulted minimal pod', () => {
    expect(create(pod())).to.deep.equal([]);
  });

  it('requires containers, and an image for each', () => {
    expect(create(edited(pod(), (p) => (at(p, 'spec').containers = [])))).to.deep.equal([
      'spec.containers: Required value',
    ]);
    expect(create(edited(pod(), (p) => delete container(p).image))).to.deep.equal([
      'spec.containers[0].image: Required value',
    ]);
  });

  it('wants container names that are unique DNS labels', () => {
    const errs = create(
      edited(pod(), (p) => {
        const c = container(p);
        at(p, 'spec').containers = [
          { ...c, name: 'App' },
          { ...c, name: 'b' },
          { ...c, name: 'b' },
        ];
      }),
    );
    expect(errs).to.deep.equal([
      `spec.containers[0].name: Invalid value: "App": ${LABEL_MSG}`,
      'spec.containers[2].name: Duplicate value: "b"',
    ]);
  });

  it('checks ports: range, protocol, names, host port conflicts', () => {
    const errs = create(
      edited(pod(), (p) => {
        container(p).ports = [
          { containerPort: 70000, protocol: 'TCP' },
          { name: 'Http', containerPort: 80, protocol: 'SCTPX' },
          { containerPort: 0, protocol: 'TCP', hostPort: 8080 },
          { containerPort: 81, protocol: 'TCP', hostPort: 8080 },
        ];
      }),
    );
    expect(errs).to.deep.equal([
      'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.containers[0].ports[1].name: Invalid value: "Http": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.containers[0].ports[1].protocol: Unsupported value: "SCTPX": supported values: "SCTP", "TCP", "UDP"',
      'spec.containers[0].ports[2].containerPort: Required value',
      'spec.containers[0].ports[3].hostPort: Duplicate value: "TCP//8080"',
    ]);
  });

  it('checks env names with the relaxed v1.32 rule, or the strict one when asked', () => {
    const p = edited(
      pod(),
      (o) => (container(o).env = [{ name: '' }, { name: 'A=B' }, { name: '1X', value: 'v' }]),
    );
    expect(create(p)).to.deep.equal([
      'spec.containers[0].env[0].name: Required value',
      'spec.containers[0].env[1].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than \'=\'',
    ]);
    const strict = messages(validate('Pod', p, undefined, { relaxedEnvVarNames: false }));
    expect(strict[2]).to.equal(
      "spec.containers[0].env[2].name: Invalid value: \"1X\": a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
    );
  });

  it('wants unique volume names and mounts that refer to existing volumes', () => {
    const errs = create(
      edited(pod(), (p) => {
        at(p, 'spec').volumes = [
          { name: 'data', emptyDir: {} },
          { name: 'data', emptyDir: {} },
          { name: 'two', emptyDir: {}, hostPath: { path: '/x', type: '' } },
        ];
        container(p).volumeMounts = [
          { name: 'data', mountPath: '/data' },
          { name: 'missing', mountPath: '/data' },
        ];
      }),
    );
    expect(errs).to.deep.equal([
      'spec.volumes[1].name: Duplicate value: "data"',
      'spec.volumes[2].hostPath: Forbidden: may not specify more than 1 volume type',
      'spec.containers[0].volumeMounts[1].name: Not found: "missing"',
      'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/data": must be unique',
    ]);
  });

  it('checks restartPolicy and dnsPolicy against their supported values', () => {
    const errs = create(
      edited(pod(), (p) => {
        at(p, 'spec').restartPolicy = 'Sometimes';
        at(p, 'spec').dnsPolicy = 'Cluster';
      }),
    );
    expect(errs).to.deep.equal([
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      'spec.dnsPolicy: Unsupported value: "Cluster": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
    ]);
  });

  it('wants exactly one handler per probe, and sane probe numbers', () => {
    const errs = create(
      edited(pod(), (p) => {
        container(p).livenessProbe = {
          periodSeconds: 10,
          successThreshold: 2,
          timeoutSeconds: 1,
          failureThreshold: 3,
        };
        container(p).readinessProbe = {
          exec: { command: ['true'] },
          httpGet: { path: '/', port: 80, scheme: 'HTTP' },
          periodSeconds: -1,
          successThreshold: 1,
          timeoutSeconds: 1,
          failureThreshold: 3,
        };
      }),
    );
    expect(errs).to.deep.equal([
      'spec.containers[0].livenessProbe: Required value: must specify a handler type',
      'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
      'spec.containers[0].readinessProbe.httpGet: Forbidden: may not specify more than 1 handler type',
      'spec.containers[0].readinessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });

  it('wants requests no larger than limits, printing canonical quantities', () => {
    const errs = create(
      edited(
        pod(),
        (p) => (container(p).resources = { limits: { cpu: '500m' }, requests: { cpu: '1', memory: '-1Gi' } }),
      ),
    );
    expect(errs).to.deep.equal([
      'spec.containers[0].resources.requests: Invalid value: "1": must be less than or equal to cpu limit of 500m',
      'spec.containers[0].resources.requests[memory]: Invalid value: "-1Gi": must be greater than or equal to 0',
    ]);
  });

  it('rejects a negative terminationGracePeriodSeconds (brief rule; see the report)', () => {
    expect(create(edited(pod(), (p) => (at(p, 'spec').terminationGracePeriodSeconds = -5)))).to.deep.equal([
      'spec.terminationGracePeriodSeconds: Invalid value: -5: must be greater than or equal to 0',
    ]);
  });

  it('lets an update change images, lower activeDeadlineSeconds and add tolerations', () => {
    const old = stored(pod());
    at(old, 'spec').activeDeadlineSeconds = 100;
    const fresh = edited(old, (p) => {
      container(p).image = 'kconform/busybox:1.36';
      at(p, 'spec').activeDeadlineSeconds = 50;
      at(p, 'spec').tolerations = [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }];
    });
    expect(messages(validate('Pod', fresh, old))).to.deep.equal([]);
  });

  it('forbids other spec changes with upstream message, and container additions', () => {
    const old = stored(pod());
    const ports = edited(old, (p) => (container(p).ports = [{ containerPort: 80, protocol: 'TCP' }]));
    const [err, ...rest] = messages(validate('Pod', ports, old));
    expect(rest).to.deep.equal([]);
    expect(err?.split('\n')[0]).to.equal(
      'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    );
    expect(err).to.contain('  core.PodSpec{\n');
    const added = edited(
      old,
      (p) => (at(p, 'spec').containers = [container(p), { ...container(p), name: 'second' }]),
    );
    expect(messages(validate('Pod', added, old))).to.deep.equal([
      'spec.containers: Forbidden: pod updates may not add or remove containers',
    ]);
    const deadline = edited(old, (p) => (at(p, 'spec').activeDeadlineSeconds = 10));
    at(old, 'spec').activeDeadlineSeconds = 5;
    expect(messages(validate('Pod', deadline, old))).to.deep.equal([
      'spec.activeDeadlineSeconds: Invalid value: 10: must be less than or equal to previous value',
    ]);
  });

  it('reports a renamed pod as an immutable name', () => {
    const old = stored(pod());
    const renamed = edited(old, (p) => (at(p, 'metadata').name = 'other'));
    expect(messages(validate('Pod', renamed, old))).to.deep.equal([
      'metadata.name: Invalid value: "other": field is immutable',
      'metadata.name: Invalid value: "other": field is immutable',
    ]);
  });
});
