// Allure 3's quality gate uses the iterator helpers of Node 22 (`map.values().toArray()`); on Node 20 it crashed with
// "toArray is not a function". This adds the helpers it may use to the iterator prototype when they are missing, the
// way the standard defines them (no-op on Node 22+).
const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
const helpers = {
  toArray() { return Array.from({ [Symbol.iterator]: () => this }); },
  *map(fn) { let i = 0; for (const v of { [Symbol.iterator]: () => this }) yield fn(v, i++); },
  *filter(fn) { let i = 0; for (const v of { [Symbol.iterator]: () => this }) if (fn(v, i++)) yield v; },
  *flatMap(fn) { let i = 0; for (const v of { [Symbol.iterator]: () => this }) yield* fn(v, i++); },
  *take(n) { if (n <= 0) return; let i = 0; for (const v of { [Symbol.iterator]: () => this }) { yield v; if (++i >= n) return; } },
  *drop(n) { let i = 0; for (const v of { [Symbol.iterator]: () => this }) if (i++ >= n) yield v; },
  forEach(fn) { let i = 0; for (const v of { [Symbol.iterator]: () => this }) fn(v, i++); },
  some(fn) { let i = 0; for (const v of { [Symbol.iterator]: () => this }) if (fn(v, i++)) return true; return false; },
  every(fn) { let i = 0; for (const v of { [Symbol.iterator]: () => this }) if (!fn(v, i++)) return false; return true; },
  find(fn) { let i = 0; for (const v of { [Symbol.iterator]: () => this }) if (fn(v, i++)) return v; return undefined; },
  reduce(fn, ...init) {
    let i = 0, acc = init[0], first = init.length === 0;
    for (const v of { [Symbol.iterator]: () => this }) { if (first) { acc = v; first = false; } else acc = fn(acc, v, i); i++; }
    if (first) throw new TypeError("Reduce of empty iterator with no initial value");
    return acc;
  },
};
for (const [name, fn] of Object.entries(helpers))
  if (typeof IteratorPrototype[name] !== "function")
    Object.defineProperty(IteratorPrototype, name, { value: fn, writable: true, configurable: true });
