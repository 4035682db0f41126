// Module loader hooks (node:module register) that append every module URL Node loads to the file named
// by CLAWMEDIC_MODULE_LOG: how the lazy-import test sees what a command really loads.
import { appendFileSync } from 'node:fs';

const out = process.env.CLAWMEDIC_MODULE_LOG;

export function load(url, context, nextLoad) {
  if (out) appendFileSync(out, `${url}\n`);
  return nextLoad(url, context);
}
