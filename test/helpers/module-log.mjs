// `node --import ./test/helpers/module-log.mjs …`: registers module-log-hooks.mjs before the program's
// own modules load. CommonJS modules required from CommonJS are logged through Module._load.
import { register, createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';

register('./module-log-hooks.mjs', import.meta.url);
const out = process.env.CLAWMEDIC_MODULE_LOG;
if (out) {
  const Module = createRequire(import.meta.url)('node:module');
  const original = Module._load;
  Module._load = function (request, parent, isMain) {
    const loaded = original.apply(this, arguments);
    try {
      appendFileSync(out, `cjs:${Module._resolveFilename(request, parent, isMain)}\n`);
    } catch {
      // Built-ins and odd requests have no file name: nothing to log.
    }
    return loaded;
  };
}
