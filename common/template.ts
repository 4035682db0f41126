// The recovery brief template: `{{name}}` placeholders, a fixed list of names, checked when saved.
export const TEMPLATE_VARIABLES = {
  gatewayUrl: 'the gateway base URL, e.g. http://127.0.0.1:18789',
  healthUrl: 'the URL ClawMedic probes (gatewayUrl + /healthz)',
  port: 'the gateway port',
  configPath: "the gateway's config file",
  logPaths: "the gateway's log files, comma-separated",
  timeoutMin: 'the time limit in minutes',
  reportPath: 'where the agent must write its report',
  contextPath: 'the context file ClawMedic prepared (failures, logs, validation output)',
  snapshotDir: 'where the config snapshot taken before the session lives',
  learnings: 'summaries of recent successful recoveries (may be empty)',
  incidentId: 'the incident id',
  resultMarker: 'the marker the agent must print before its JSON result',
} as const;

export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;
export type TemplateValues = Record<TemplateVariable, string>;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Problems with a template (unknown or malformed placeholders); empty template = built-in default. */
export function templateProblems(template: string): string[] {
  const out: string[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) {
    const name = m[1] ?? '';
    // Own keys only: `in` would accept inherited names ({{constructor}}, {{toString}}).
    if (!Object.prototype.hasOwnProperty.call(TEMPLATE_VARIABLES, name)) {
      out.push(
        `uses {{${name}}}, which is not a known variable (known: ${Object.keys(TEMPLATE_VARIABLES).join(', ')})`,
      );
    }
  }
  const stray = template.replace(PLACEHOLDER, '').match(/\{\{|\}\}/);
  if (stray) out.push('has an unmatched "{{" or "}}"');
  return out;
}

export function renderTemplate(template: string, values: TemplateValues): string {
  const problems = templateProblems(template);
  if (problems.length) throw new Error(`The recovery prompt template is invalid: ${problems.join('; ')}`);
  return template.replace(PLACEHOLDER, (_all, name: string) => values[name as TemplateVariable]);
}
