// The fingerprint kinds and the playbook file's plain constants, in a module without TypeBox: the playbook
// schema and the contract both use them, and the engine loads them at start-up without loading the schema.

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

/** `{{port}}`, `{{configPath}}`, `{{configDir}}`, `{{holderPid}}`, `{{gatewayUrl}}` are filled in when a step runs. */
export const PLAYBOOK_VARIABLES = ['port', 'configPath', 'configDir', 'holderPid', 'gatewayUrl'] as const;

/** The keys a playbook file may hold: the schema's properties (test/unit/knownfix-playbooks.test.ts checks). */
export const PLAYBOOK_KEYS = [
  '$schema',
  'version',
  'id',
  'title',
  'when',
  'steps',
  'restartAfter',
  'enabled',
  'source',
  'stats',
] as const;
