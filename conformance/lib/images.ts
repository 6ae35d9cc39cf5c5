// The images the suite's pods run, by logical name. By default they are the fixture images kconform
// builds locally (fixtures/), which the reference's Docker engine already holds. A real cluster
// whose nodes cannot see those gets a map file instead: KCONFORM_IMAGE_MAP names a JSON file such
// as {"busybox": "registry.example/kconform/busybox:1.36"}, for its own registry or for images
// loaded with `kconform images save`.
import { readFileSync } from 'node:fs';
import { resolveImages } from '../../fixtures/src/recipes.ts';

/** What each logical image must offer, so a map can point at any equivalent image. */
export const IMAGE_NEEDS = {
  busybox: 'a shell with the busybox applets: sh, sleep, cat, nc, httpd, hostname, ip',
} as const;

export type ImageName = keyof typeof IMAGE_NEEDS;

let cached: Record<ImageName, string> | undefined;

function fromMapFile(path: string): Record<ImageName, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`KCONFORM_IMAGE_MAP=${path}: cannot read it as JSON: ${(err as Error).message}`);
  }
  const map = parsed as Record<string, unknown>;
  const out = {} as Record<ImageName, string>;
  for (const name of Object.keys(IMAGE_NEEDS) as ImageName[]) {
    const ref = map[name];
    if (typeof ref !== 'string' || ref === '') {
      throw new Error(`KCONFORM_IMAGE_MAP=${path}: no image for "${name}" (${IMAGE_NEEDS[name]})`);
    }
    out[name] = ref;
  }
  return out;
}

function fromFixtures(): Record<ImageName, string> {
  const tags = new Map(resolveImages().map((image) => [image.recipe.name, image.tag]));
  const out = {} as Record<ImageName, string>;
  for (const name of Object.keys(IMAGE_NEEDS) as ImageName[]) {
    const tag = tags.get(name);
    if (tag === undefined) throw new Error(`fixtures define no image named "${name}"`);
    out[name] = tag;
  }
  return out;
}

/** Every logical image → the reference to put in a pod spec. */
export function imageMap(): Record<ImageName, string> {
  cached ??= process.env.KCONFORM_IMAGE_MAP ? fromMapFile(process.env.KCONFORM_IMAGE_MAP) : fromFixtures();
  return cached;
}

/** The image reference for one logical image, e.g. `image('busybox')`. */
export function image(name: ImageName): string {
  return imageMap()[name];
}
