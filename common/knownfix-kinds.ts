// The fingerprint kinds, in their own module so the playbook schema and the contract can both use them.

/**
 * What kind of outage it is, most specific first. The set is open for consumers (show unknown kinds as
 * text); ClawMedic itself only ever writes these.
 */
export const FINGERPRINT_KINDS = [
  'runtime-mismatch', // OpenClaw needs a newer Node than the one found
  'update-broke', // the version changed since the last healthy run and the new one does not start
  'config-syntax', // the config file does not parse (JSON5)
  'config-invalid', // it parses but does not validate (wrong type, unknown key)
  'config-missing', // there is no config file
  'stale-gateway', // an OpenClaw gateway process holds the port but does not answer /healthz
  'port-foreign', // another program holds the port
  'module-missing', // a module of OpenClaw cannot be found (a broken install)
  'state-locked', // another OpenClaw process owns the state database
  'unknown',
] as const;
