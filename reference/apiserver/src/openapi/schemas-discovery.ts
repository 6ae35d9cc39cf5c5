// The discovery documents' types (APIVersions, APIGroupList, APIGroup, APIResourceList) and
// version.Info, which the non-resource operations of the OpenAPI documents return.
import type { TypeDef } from './schema-model.ts';
import { API_VERSION_DOC, KIND_DOC } from './schema-model.ts';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const HEADER = {
  apiVersion: ['string', API_VERSION_DOC] as [string, string],
  kind: ['string', KIND_DOC] as [string, string],
};

export const DISCOVERY_SCHEMAS: TypeDef[] = [
  {
    name: `${META}.APIVersions`,
    description: 'APIVersions lists the versions available under /api.',
    required: ['versions', 'serverAddressByClientCIDRs'],
    gvk: [{ group: '', version: 'v1', kind: 'APIVersions' }],
    properties: {
      ...HEADER,
      serverAddressByClientCIDRs: [
        '[]ServerAddressByClientCIDR',
        'Client CIDR to server address map.',
        { listType: 'atomic' },
      ],
      versions: ['[]string', 'Versions available.', { listType: 'atomic' }],
    },
  },
  {
    name: `${META}.ServerAddressByClientCIDR`,
    description: 'The address clients in a CIDR should use to reach the server.',
    required: ['clientCIDR', 'serverAddress'],
    properties: {
      clientCIDR: ['string', 'The CIDR the server address applies to.'],
      serverAddress: ['string', 'Address of the server: host or host:port.'],
    },
  },
  {
    name: `${META}.APIGroupList`,
    description: 'APIGroupList lists the groups available under /apis.',
    required: ['groups'],
    gvk: [{ group: '', version: 'v1', kind: 'APIGroupList' }],
    properties: { ...HEADER, groups: ['[]APIGroup', 'The groups.', { listType: 'atomic' }] },
  },
  {
    name: `${META}.APIGroup`,
    description: 'APIGroup describes a group and its versions.',
    required: ['name', 'versions'],
    gvk: [{ group: '', version: 'v1', kind: 'APIGroup' }],
    properties: {
      ...HEADER,
      name: ['string', 'Name of the group.'],
      preferredVersion: ['GroupVersionForDiscovery', 'The version clients should prefer.'],
      serverAddressByClientCIDRs: [
        '[]ServerAddressByClientCIDR',
        'Client CIDR to server address map.',
        { listType: 'atomic' },
      ],
      versions: ['[]GroupVersionForDiscovery', 'Versions of the group.', { listType: 'atomic' }],
    },
  },
  {
    name: `${META}.GroupVersionForDiscovery`,
    description: 'A group/version, for discovery.',
    required: ['groupVersion', 'version'],
    properties: {
      groupVersion: ['string', 'As "group/version".'],
      version: ['string', 'The version alone.'],
    },
  },
  {
    name: `${META}.APIResourceList`,
    description: 'APIResourceList lists the resources of a group/version.',
    required: ['groupVersion', 'resources'],
    gvk: [{ group: '', version: 'v1', kind: 'APIResourceList' }],
    properties: {
      ...HEADER,
      groupVersion: ['string', 'The group/version of the resources.'],
      resources: ['[]APIResource', 'The resources.', { listType: 'atomic' }],
    },
  },
  {
    name: `${META}.APIResource`,
    description: 'A resource and its verbs.',
    required: ['name', 'singularName', 'namespaced', 'kind', 'verbs'],
    properties: {
      categories: ['[]string', 'Groupings the resource belongs to, e.g. "all".', { listType: 'atomic' }],
      group: ['string', 'Preferred group of the resource, if it differs.'],
      kind: ['string', 'Kind of the resource.'],
      name: ['string', 'Plural name of the resource.'],
      namespaced: ['boolean', 'Whether the resource is namespaced.'],
      shortNames: ['[]string', 'Suggested short names.', { listType: 'atomic' }],
      singularName: ['string', 'Singular name of the resource.'],
      storageVersionHash: ['string', 'Hash of the storage version.'],
      verbs: ['[]string', 'Supported verbs.'],
      version: ['string', 'Preferred version of the resource, if it differs.'],
    },
  },
  {
    name: 'io.k8s.apimachinery.pkg.version.Info',
    description: 'Info contains versioning information.',
    required: [
      'major',
      'minor',
      'gitVersion',
      'gitCommit',
      'gitTreeState',
      'buildDate',
      'goVersion',
      'compiler',
      'platform',
    ],
    properties: {
      buildDate: ['string', 'Build date.'],
      compiler: ['string', 'Compiler.'],
      gitCommit: ['string', 'Git commit.'],
      gitTreeState: ['string', 'Git tree state.'],
      gitVersion: ['string', 'Git version.'],
      goVersion: ['string', 'Go version.'],
      major: ['string', 'Major version.'],
      minor: ['string', 'Minor version.'],
      platform: ['string', 'Platform.'],
    },
  },
];
