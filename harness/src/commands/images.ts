// `kconform images list` prints every image a run's pods use (conformance/lib/images.ts, through a
// profile's image map when given); `kconform images save FILE` writes them as one `docker save`
// tarball to load into another cluster's runtime (`docker load`, `ctr images import`). The fixture
// images are built first when this engine does not have them yet.
import Docker from 'dockerode';
import { createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { resolve } from 'node:path';
import { KconformError } from '../../../common/src/errors.ts';
import { IMAGE_NEEDS, imageMap, type ImageName } from '../../../conformance/lib/images.ts';
import { loadSpecs } from '../../../conformance/lib/specs.ts';
import { ensureImages } from '../../../fixtures/src/build-images.ts';
import { resolveImages } from '../../../fixtures/src/recipes.ts';
import { nonEmpty, usageError } from '../args.ts';
import { loadProfile } from '../run/profile.ts';
import type { Command, CommandGroup, CommandIO } from './command.ts';

const PROFILE = {
  type: 'string',
  value: 'FILE',
  description: 'a target profile whose image map replaces the fixture images',
  validate: nonEmpty,
} as const;

export interface NeededImage {
  name: ImageName;
  reference: string;
  needs: string;
}

/** Every image a run needs, as the suite would resolve it (the profile's map over the default). */
export function neededImages(profileFile: string | undefined, verb: string): NeededImage[] {
  const mapped = profileFile
    ? loadProfile(profileFile, [...loadSpecs().values()], verb).images
    : ({} as Record<string, string>);
  const defaults = imageMap();
  return (Object.keys(IMAGE_NEEDS) as ImageName[]).map((name) => ({
    name,
    reference: mapped[name] ?? defaults[name],
    needs: IMAGE_NEEDS[name],
  }));
}

export const imagesListCommand: Command = {
  name: 'images list',
  summary: "Print every image the conformance suite's pods use: name, image reference, what it must offer.",
  options: { profile: PROFILE },
  async run(options, io) {
    const images = neededImages(profileOf(options.profile, io), 'images list');
    const width = Math.max(...images.map((i) => i.reference.length));
    for (const image of images) io.out(`${image.name}  ${image.reference.padEnd(width)}  (${image.needs})`);
    return 0;
  },
};

export const imagesSaveCommand: Command = {
  name: 'images save',
  summary:
    'Write every image the suite needs into one docker-save tarball.\n' +
    'Load it into the runtime of a cluster whose nodes cannot reach a registry (docker load,\n' +
    'ctr images import). Missing fixture images are built first.',
  positionals: [{ name: 'FILE', description: 'the tarball to write (replaced if it exists)' }],
  options: { profile: PROFILE },
  async run(options, io) {
    const file = resolve(io.cwd, String(options.FILE));
    const images = neededImages(profileOf(options.profile, io), 'images save');
    const docker = new Docker();
    await ensurePresent(
      docker,
      images.map((i) => i.reference),
      io,
    );
    const partial = `${file}.partial`;
    try {
      const stream = await exportImages(
        docker,
        images.map((i) => i.reference),
      );
      await pipeline(stream, createWriteStream(partial));
      renameSync(partial, file);
    } catch (err) {
      rmSync(partial, { force: true });
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
        throw usageError('images save', `FILE ${file}: cannot write it (${code})`);
      }
      throw err;
    }
    for (const image of images) io.out(`${image.name}  ${image.reference}`);
    io.out(`saved ${images.length} image(s) to ${file} (${statSync(file).size} bytes)`);
    return 0;
  },
};

/**
 * `GET /images/get?names=…`: one tarball holding several images. dockerode has it
 * (`getImages`) but its type definitions do not, hence the narrow cast.
 */
function exportImages(docker: Docker, names: string[]): Promise<NodeJS.ReadableStream> {
  const api = docker as unknown as {
    getImages(options: { names: string[] }): Promise<NodeJS.ReadableStream>;
  };
  return api.getImages({ names });
}

function profileOf(value: unknown, io: CommandIO): string | undefined {
  return typeof value === 'string' ? resolve(io.cwd, value) : undefined;
}

/** Builds the fixture images that are missing; any other missing image is an error naming it. */
async function ensurePresent(docker: Docker, references: string[], io: CommandIO): Promise<void> {
  const fixtures = new Set(resolveImages().map((i) => i.tag));
  const missing: string[] = [];
  for (const reference of references) {
    try {
      await docker.getImage(reference).inspect();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) {
        throw new KconformError('DOCKER_UNREACHABLE', {
          socket: 'the default socket',
          detail: (err as Error).message,
        });
      }
      missing.push(reference);
    }
  }
  if (missing.length === 0) return;
  const foreign = missing.filter((r) => !fixtures.has(r));
  if (foreign.length > 0) {
    throw usageError(
      'images save',
      `${foreign.join(', ')}: not in the local Docker engine; pull or load it before saving`,
    );
  }
  io.out(`building missing fixture image(s): ${missing.join(', ')}`);
  await ensureImages(docker, io.log.child({ component: 'images' }));
}

export const imagesCommand: CommandGroup = {
  name: 'images',
  summary: "The images the conformance suite's pods run.",
  subcommands: [imagesListCommand, imagesSaveCommand],
};
