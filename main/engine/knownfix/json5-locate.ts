// Finds the line of a dotted key path (`gateway.port`) in a JSON5 text without parsing it into
// values: a small scanner that follows strings, comments and nesting, so it also works on a file
// that is otherwise broken. Used to say "(line 4)" next to a config problem.

/** 1-based line of the key at `dotted` (array indices as numbers), or null when not found. */
export function locateKeyLine(text: string, dotted: string): number | null {
  const want = dotted.split('.').filter(Boolean);
  if (want.length === 0) return null;
  // Each open container: its kind, the key it sits under, and (arrays) the next index.
  const stack: { kind: '{' | '['; key: string | null; index: number }[] = [];
  let line = 1;
  let pendingKey: string | null = null;
  let i = 0;
  const n = text.length;
  const pathHere = (last: string) => [...stack.map((s) => s.key).filter((k): k is string => k !== null), last];
  const matches = (p: string[]) => p.length === want.length && p.every((k, j) => k === want[j]);
  const readString = (q: string): string => {
    let out = '';
    i++;
    while (i < n && text[i] !== q) {
      if (text[i] === '\\') {
        out += text[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (text[i] === '\n') line++;
      out += text[i];
      i++;
    }
    i++;
    return out;
  };
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      i += 2;
      while (i < n && !(text[i] === '*' && text[i + 1] === '/')) {
        if (text[i] === '\n') line++;
        i++;
      }
      i += 2;
    } else if (c === '{' || c === '[') {
      const top = stack.at(-1);
      const key = top?.kind === '[' ? String(top.index) : pendingKey;
      stack.push({ kind: c, key: stack.length === 0 ? null : key, index: 0 });
      pendingKey = null;
      i++;
    } else if (c === '}' || c === ']') {
      stack.pop();
      pendingKey = null;
      i++;
    } else if (c === ',') {
      const top = stack.at(-1);
      if (top?.kind === '[') top.index++;
      pendingKey = null;
      i++;
    } else if (c === '"' || c === "'") {
      const startLine = line;
      const s = readString(c);
      if (stack.at(-1)?.kind === '{' && pendingKey === null && /^\s*:/.test(text.slice(i, i + 50))) {
        pendingKey = s;
        if (matches(pathHere(s))) return startLine;
      }
    } else if (/[A-Za-z_$]/.test(c) && stack.at(-1)?.kind === '{' && pendingKey === null) {
      const m = /^[A-Za-z_$][\w$]*/.exec(text.slice(i))!;
      i += m[0].length;
      if (/^\s*:/.test(text.slice(i, i + 50))) {
        pendingKey = m[0];
        if (matches(pathHere(m[0]))) return line;
      }
    } else {
      i++;
    }
  }
  return null;
}
