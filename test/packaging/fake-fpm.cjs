#!/usr/bin/env node
'use strict';
// A stand-in for fpm (electron-builder's deb builder, which it downloads from GitHub), given to
// electron-builder as CUSTOM_FPM_PATH by the packaging tests. It records what electron-builder asks for -
// the arguments, the install scripts and the desktop entry, which are temporary files - into the folder
// named by FAKE_FPM_RECORD, and writes a placeholder package where the deb would go.
const fs = process.getBuiltinModule('node:fs');
const path = process.getBuiltinModule('node:path');

const record = process.env.FAKE_FPM_RECORD;
if (!record) {
  console.error('fake-fpm: FAKE_FPM_RECORD is not set; it is only meant to run inside test/packaging');
  process.exit(2);
}
const args = process.argv.slice(2);
const value = (flag) => args[args.indexOf(flag) + 1];
fs.mkdirSync(record, { recursive: true });
fs.writeFileSync(path.join(record, 'args.json'), JSON.stringify(args, null, 2));
fs.copyFileSync(value('--after-install'), path.join(record, 'after-install'));
fs.copyFileSync(value('--after-remove'), path.join(record, 'after-remove'));
const desktop = args.find((a) => a.endsWith('.desktop') && a.includes('=/usr/share/applications/'));
if (desktop) fs.copyFileSync(desktop.split('=')[0], path.join(record, 'app.desktop'));
fs.writeFileSync(value('--package'), 'placeholder written by test/packaging/fake-fpm.cjs\n');
