// The query and path parameters of the API's operations, with upstream's meaning in short form.
// kubectl decides whether the server validates fields itself by looking for `fieldValidation`
// among a PATCH operation's parameters, so that one must be on every PATCH.
import type { QueryParam } from './operations.ts';

export const PATH_PARAMS: Record<string, string> = {
  name: 'name of the resource',
  namespace: 'object name and auth scope, such as for teams and projects',
};

export const QUERY_PARAMS: Record<string, QueryParam> = {
  allowWatchBookmarks: {
    type: 'boolean',
    description: 'Requests watch events with type "BOOKMARK"; servers may ignore it.',
  },
  command: {
    type: 'string',
    description: 'Command is the remote command to execute; argv array, not run in a shell.',
  },
  container: { type: 'string', description: 'The container for which to stream logs or run the command.' },
  continue: {
    type: 'string',
    description: 'The continue token of a previous paged list call, to retrieve the next page.',
  },
  dryRun: { type: 'string', description: 'When present, modifications are not persisted. Valid value: All.' },
  fieldManager: {
    type: 'string',
    description: 'Name of the actor or entity making these changes (at most 128 printable characters).',
  },
  fieldSelector: {
    type: 'string',
    description: 'A selector restricting the list of returned objects by their fields.',
  },
  fieldValidation: {
    type: 'string',
    description:
      'How the server handles unknown or duplicate fields in the request body: Ignore drops them silently, Warn (the default) drops them with a warning header each, Strict fails the request with a BadRequest error.',
  },
  follow: { type: 'boolean', description: 'Follow the log stream of the pod.' },
  force: {
    type: 'boolean',
    description: 'Force apply requests: re-acquire conflicting fields owned by other managers.',
  },
  gracePeriodSeconds: {
    type: 'integer',
    description: 'Seconds before the object should be deleted; zero means delete immediately.',
  },
  insecureSkipTLSVerifyBackend: {
    type: 'boolean',
    description: 'Skip verifying the serving certificate of the backend.',
  },
  labelSelector: {
    type: 'string',
    description: 'A selector restricting the list of returned objects by their labels.',
  },
  limit: {
    type: 'integer',
    description:
      'Maximum number of responses to return for a list call; more are signalled by a continue token.',
  },
  limitBytes: {
    type: 'integer',
    description: 'Number of bytes to read from the server before terminating the log output.',
  },
  orphanDependents: { type: 'boolean', description: 'Deprecated: use propagationPolicy.' },
  ports: { type: 'integer', description: 'List of ports to forward.' },
  pretty: { type: 'string', description: "If 'true', the output is pretty printed." },
  previous: { type: 'boolean', description: 'Return the logs of the previously terminated container.' },
  propagationPolicy: {
    type: 'string',
    description: 'Whether and how garbage collection is performed: Orphan, Background or Foreground.',
  },
  resourceVersion: {
    type: 'string',
    description: 'Constrains the resource versions a request may be served from.',
  },
  resourceVersionMatch: { type: 'string', description: 'How resourceVersion is applied to list calls.' },
  sendInitialEvents: {
    type: 'boolean',
    description: 'With watch=true, begin the stream with synthetic events for the current state.',
  },
  sinceSeconds: {
    type: 'integer',
    description: 'Relative time in seconds before now from which to show logs.',
  },
  stderr: { type: 'boolean', description: 'Redirect the standard error stream of the pod for this call.' },
  stdin: { type: 'boolean', description: 'Redirect the standard input stream of the pod for this call.' },
  stdout: { type: 'boolean', description: 'Redirect the standard output stream of the pod for this call.' },
  tailLines: { type: 'integer', description: 'Number of lines from the end of the logs to show.' },
  timeoutSeconds: {
    type: 'integer',
    description: 'Timeout for the list/watch call, regardless of activity.',
  },
  timestamps: { type: 'boolean', description: 'Prefix every line of log output with an RFC3339 timestamp.' },
  tty: { type: 'boolean', description: 'Allocate a terminal for this exec call.' },
  watch: {
    type: 'boolean',
    description: 'Watch for changes to the described resources and return them as a stream.',
  },
};
