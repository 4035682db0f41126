// The playbook file format (<dataDir>/playbooks/<id>.json): a JSON Schema written with TypeBox, the
// TypeScript types derived from it. A person can read, edit and version these files; ClawMedic validates
// every one before it runs (main/engine/knownfix/playbooks.ts) and writes this schema beside them as
// playbook.schema.json for editors.
import { Type, type Static } from '@sinclair/typebox';
import { FINGERPRINT_KINDS } from './knownfix-kinds.js';
export { PLAYBOOK_KEYS, PLAYBOOK_VARIABLES } from './knownfix-kinds.js';

const Strict = { additionalProperties: false } as const;

export const playbookStepSchema = Type.Union([
  /** A shell command, run like a restart step (same user, same environment), with a time limit. */
  Type.Object(
    { run: Type.String({ minLength: 1, maxLength: 2000 }), timeoutSec: Type.Integer({ minimum: 1, maximum: 3600 }) },
    Strict,
  ),
  /** Replace the first occurrence of `find` with `replace` in a file inside the gateway config's folder. */
  Type.Object(
    { edit: Type.String({ minLength: 1 }), find: Type.String({ minLength: 1 }), replace: Type.String() },
    Strict,
  ),
  /** Write a whole file inside the gateway config's folder (the old one is kept beside it). */
  Type.Object({ write: Type.String({ minLength: 1 }), content: Type.String() }, Strict),
]);

export const playbookStatsSchema = Type.Object(
  {
    runs: Type.Integer({ minimum: 0 }),
    successes: Type.Integer({ minimum: 0 }),
    consecutiveFailures: Type.Integer({ minimum: 0 }),
    lastRunAt: Type.Union([Type.String(), Type.Null()]),
    lastResult: Type.Union([Type.String(), Type.Null()]),
    /** Set when ClawMedic disabled it (it failed twice in a row). */
    disabledReason: Type.Union([Type.String(), Type.Null()]),
  },
  Strict,
);

export const playbookSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    version: Type.Literal(1),
    /** The file name without `.json`: letters, digits, dashes. */
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    /** Runs when the outage's fingerprint has this kind and, when `key` is not empty, this key. */
    when: Type.Object({ kind: Type.Union(FINGERPRINT_KINDS.map((k) => Type.Literal(k))), key: Type.String() }, Strict),
    steps: Type.Array(playbookStepSchema, { minItems: 1, maxItems: 20 }),
    /** Run the restart steps after its own steps (most fixes need a start). */
    restartAfter: Type.Boolean(),
    /** Proposed playbooks are disabled until a person enables them. */
    enabled: Type.Boolean(),
    source: Type.Object(
      {
        incidentId: Type.Union([Type.String(), Type.Null()]),
        agent: Type.Union([Type.String(), Type.Null()]),
        learnedAt: Type.String(),
      },
      Strict,
    ),
    stats: playbookStatsSchema,
  },
  Strict,
);

export type PlaybookStep = Static<typeof playbookStepSchema>;
export type PlaybookStats = Static<typeof playbookStatsSchema>;
export type Playbook = Static<typeof playbookSchema>;
