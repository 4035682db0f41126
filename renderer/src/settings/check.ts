// What the settings form can tell while the user types: the schema's problems, from the validator compiled at
// build time (common/settings-validation.ts; no `new Function`, so the page's CSP holds), and the prompt's
// placeholders. The engine checks everything again on save, including the cross-field rules this leaves to it.
import type { Problem } from '../../../common/contract.js';
import { checkSettingsShape } from '../../../common/settings-validation.js';
import { templateProblems } from '../../../common/template.js';
import { getAt, type Doc } from './paths.js';

export interface DraftCheck {
  /** The draft with every default filled in wherever its shape allows: what the form shows. */
  filled: Doc;
  problems: Problem[];
}

export function checkDraft(draft: Doc): DraftCheck {
  const filled = structuredClone(draft);
  const shape = checkSettingsShape(filled);
  const problems = shape.ok ? [] : shape.problems;
  // Like the engine: the template's findings count only where the schema found nothing at that key.
  const template = getAt(filled, 'doctor.promptTemplate');
  if (typeof template === 'string' && !problems.some((p) => p.path === 'doctor.promptTemplate')) {
    for (const message of templateProblems(template)) problems.push({ path: 'doctor.promptTemplate', message });
  }
  return { filled, problems };
}
