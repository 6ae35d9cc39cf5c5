// Kubernetes resource quantities ("128Mi", "500m", "1.5", "2e3") as plain numbers in the base
// unit (bytes, cores). Pure.

const SUFFIX: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/;

/** The quantity's value in base units; throws naming the text when it is not a quantity. */
export function parseQuantity(text: string | number, what = 'quantity'): number {
  if (typeof text === 'number') return text;
  const match = QUANTITY.exec(text.trim());
  if (!match) throw new Error(`${what} "${text}" is not a Kubernetes quantity`);
  const number = Number(match[1]);
  if (match[2]) return number * 10 ** Number(match[2].slice(1));
  return number * SUFFIX[match[3] ?? '']!;
}

/** Bytes, rounded up, for memory-like quantities; 0 when absent. */
export function memoryBytes(quantity: string | undefined): number {
  if (quantity === undefined || quantity === '') return 0;
  return Math.ceil(parseQuantity(quantity, 'memory quantity') - 1e-9);
}

/** Millicores, rounded up (upstream's MilliValue); 0 when absent. */
export function milliCpu(quantity: string | undefined): number {
  if (quantity === undefined || quantity === '') return 0;
  return Math.ceil(parseQuantity(quantity, 'cpu quantity') * 1000 - 1e-9);
}
